import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** The response header that echoes a request's correlation id. */
export const CORRELATION_ID_HEADER = 'X-Correlation-Id';

/** 1 to 128 visible ASCII characters: safe to echo in a header and to write in a log line. */
const WELL_FORMED = /^[\x21-\x7e]{1,128}$/;

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/**
 * The correlation id a request brings: `X-Correlation-Id` when well formed, else `X-Request-Id`
 * when well formed, else null (the caller generates one).
 */
export function correlationIdFromHeaders(headers: IncomingHttpHeaders): string | null {
  for (const name of ['x-correlation-id', 'x-request-id']) {
    const value = headerValue(headers[name])?.trim();
    if (value !== undefined && WELL_FORMED.test(value)) return value;
  }
  return null;
}

/**
 * The request's correlation id: the one the logging middleware assigned (and echoed), or, where
 * that did not run, the headers' or a new one.
 */
export function correlationIdOf(request: IncomingMessage): string {
  const assigned = (request as IncomingMessage & { id?: unknown }).id;
  if (typeof assigned === 'string') return assigned;
  return correlationIdFromHeaders(request.headers) ?? randomUUID();
}

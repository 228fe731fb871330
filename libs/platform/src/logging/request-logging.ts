import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { CORRELATION_ID_HEADER, correlationIdFromHeaders } from './correlation-id';

/** Paths whose requests are not logged one by one (probes and scrapers call them all day). */
const QUIET_PATHS = /^\/(?:health\/|metrics(?:$|\?))/;

type Request = IncomingMessage & { id?: string; originalUrl?: string };

/**
 * The first middleware of every HTTP app: gives the request its correlation id
 * (`X-Correlation-Id`, else `X-Request-Id` when well formed, else a new UUID) as `request.id`,
 * echoes it in the response's `X-Correlation-Id`, and, once the response is finished or the
 * connection dropped, logs the request as one line: `correlationId`, `req` (method and path, no
 * query, headers or body: they carry tokens and customer data), `res.statusCode` and
 * `responseTime` in ms. 5xx answers are logged at `error`, the rest at `info` (a connection the
 * client dropped before the answer as "request aborted"); probes and scrapes (`/health/*`,
 * `/metrics`) are not logged.
 *
 * Nothing per request is built unless the line is written: at LOG_LEVEL=warn a request costs an id
 * and a listener.
 */
export function requestLogging(
  logger: Logger | null,
): (request: Request, response: ServerResponse, next: () => void) => void {
  return (request, response, next) => {
    const id = correlationIdFromHeaders(request.headers) ?? randomUUID();
    request.id = id;
    response.setHeader(CORRELATION_ID_HEADER, id);
    if (logger && !QUIET_PATHS.test(request.url ?? '')) {
      const started = Date.now();
      response.once('close', () => logRequest(logger, request, response, id, started));
    }
    next();
  };
}

function logRequest(
  logger: Logger,
  request: Request,
  response: ServerResponse,
  correlationId: string,
  started: number,
): void {
  const aborted = !response.writableFinished;
  const level = response.statusCode >= 500 && !aborted ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      correlationId,
      req: { method: request.method, url: (request.originalUrl ?? request.url)?.split('?')[0] },
      res: { statusCode: response.statusCode },
      responseTime: Date.now() - started,
    },
    aborted ? 'request aborted' : 'request completed',
  );
}

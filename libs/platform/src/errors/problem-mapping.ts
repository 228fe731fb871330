import { HttpException } from '@nestjs/common';
import { DomainError, ForbiddenError, NotFoundError } from '@engine/domain';
import {
  ConcurrencyConflictError,
  EventIdConflictError,
  isPostgresUnavailable,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '@engine/event-store';
import { codeOfStatus, HttpProblem, problemBody, type ProblemBody } from './http-problem';
import { QueueUnavailableError } from './queue-unavailable';

/** What the filter writes for an error, and whether the error is a fault to log. */
export interface ProblemResponse {
  readonly status: number;
  readonly body: ProblemBody;
  readonly headers: Readonly<Record<string, string>>;
  /** `error`: a bug or an outage, logged with its stack; `warn`: logged in one line. */
  readonly log?: 'error' | 'warn';
}

const GENERIC_500 = 'The server met an unexpected error; it has been logged.';

const answer = (
  status: number,
  code: string,
  detail: string,
  extra: Partial<Pick<ProblemResponse, 'headers' | 'log'>> & {
    details?: Readonly<Record<string, unknown>>;
  } = {},
): ProblemResponse => ({
  status,
  body: problemBody(status, code, detail, extra.details),
  headers: extra.headers ?? {},
  log: extra.log,
});

/** Errors may come from another copy of a library (or be rebuilt): match the class or its name. */
const isA = (error: object, type: abstract new (...args: never[]) => unknown): boolean =>
  error instanceof type || (error as Error).name === type.name;

/**
 * Maps anything a request can throw to the problem it answers (the one place errors are mapped).
 * Domain refusals 422 (NotFoundError 404, ForbiddenError 403), store errors by meaning, Nest and
 * body-parser HTTP errors with their status, and anything else 500 with a generic detail.
 */
export function toProblem(error: unknown): ProblemResponse {
  if (error instanceof HttpProblem) {
    return { status: error.getStatus(), body: error.body, headers: error.headers };
  }
  if (typeof error !== 'object' || error === null) {
    return answer(500, 'internal-error', GENERIC_500, { log: 'error' });
  }
  const storeProblem = storeErrorProblem(error);
  if (storeProblem) return storeProblem;
  if (isA(error, DomainError) || isA(error, NotFoundError) || isA(error, ForbiddenError)) {
    const domain = error as DomainError;
    if (typeof domain.code === 'string') {
      const status = isA(error, NotFoundError) ? 404 : isA(error, ForbiddenError) ? 403 : 422;
      return answer(status, domain.code, domain.message, { details: domain.details });
    }
  }
  if (error instanceof HttpException) return httpExceptionProblem(error);
  return bodyParserProblem(error) ?? answer(500, 'internal-error', GENERIC_500, { log: 'error' });
}

function storeErrorProblem(error: object): ProblemResponse | undefined {
  const { code } = error as { code?: unknown };
  if (isA(error, WrongExpectedVersionError) && code === 'wrong-expected-version') {
    const { actual } = error as WrongExpectedVersionError;
    return answer(
      412,
      'precondition-failed',
      'The resource has changed since the version in If-Match; read it again and decide anew.',
      { details: typeof actual === 'bigint' ? { currentVersion: Number(actual) } : {} },
    );
  }
  if (isA(error, ConcurrencyConflictError) && code === 'concurrency-conflict') {
    return answer(
      409,
      'concurrency-conflict',
      'The resource kept changing while this request was decided; retry it.',
    );
  }
  if (isA(error, EventIdConflictError) && code === 'event-id-conflict') {
    return answer(409, 'event-id-conflict', (error as Error).message);
  }
  if (isA(error, QueueUnavailableError) && code === 'queue-unavailable') {
    return answer(503, 'queue-unavailable', (error as Error).message, {
      headers: { 'Retry-After': '5' },
      log: 'warn',
    });
  }
  // The read store (idempotency keys, sequences, read models) on a PostgreSQL that went away.
  if (
    (isA(error, StoreUnavailableError) && code === 'store-unavailable') ||
    isPostgresUnavailable(error)
  ) {
    return answer(503, 'store-unavailable', 'The event store is not answering; retry shortly.', {
      headers: { 'Retry-After': '1' },
      log: 'warn',
    });
  }
  return undefined;
}

const NEST_MEMBERS = new Set(['statusCode', 'error', 'message', 'code', 'detail', 'title']);

/** A Nest HttpException: `throw new NotFoundException({ code, detail })` keeps its code. */
function httpExceptionProblem(exception: HttpException): ProblemResponse {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const fields: Record<string, unknown> =
    typeof response === 'object' && response !== null ? { ...response } : {};
  const code = typeof fields.code === 'string' ? fields.code : codeOfStatus(status);
  const message = Array.isArray(fields.message) ? fields.message.join('; ') : fields.message;
  const stated =
    typeof fields.detail === 'string'
      ? fields.detail
      : typeof message === 'string'
        ? message
        : typeof response === 'string'
          ? response
          : exception.message;
  const details = Object.fromEntries(
    Object.entries(fields).filter(([member]) => !NEST_MEMBERS.has(member) && member !== 'type'),
  );
  if (status === 500) return answer(500, 'internal-error', GENERIC_500, { log: 'error' });
  return answer(status, code, stated, { details, log: status >= 500 ? 'warn' : undefined });
}

interface HttpErrorLike {
  readonly status?: unknown;
  readonly statusCode?: unknown;
  readonly type?: unknown;
  readonly expose?: unknown;
  readonly limit?: unknown;
  readonly charset?: unknown;
  readonly message?: unknown;
}

/** Errors of body-parser / http-errors (`status`, `type`, `expose`). */
export function bodyParserProblem(error: object): ProblemResponse | undefined {
  const http = error as HttpErrorLike;
  const status =
    typeof http.status === 'number'
      ? http.status
      : typeof http.statusCode === 'number'
        ? http.statusCode
        : undefined;
  if (status === undefined || status < 400 || status > 499) return undefined;
  switch (http.type) {
    case 'entity.parse.failed':
      return answer(400, 'malformed-json', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return answer(
        413,
        'payload-too-large',
        typeof http.limit === 'number'
          ? `The request body is larger than the limit of ${http.limit} bytes.`
          : 'The request body is too large.',
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return answer(415, 'unsupported-media-type', String(http.message));
    case 'request.aborted':
      return answer(400, 'request-aborted', 'The client aborted the request.');
    default:
      if (http.expose !== true) return undefined;
      return answer(status, codeOfStatus(status), String(http.message));
  }
}

import type { NextFunction, Request, Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { HttpProblem } from '../errors/http-problem';
import { bodyParserProblem } from '../errors/problem-mapping';

/** A non-JSON body a route takes as raw bytes (a Buffer in `request.body`). */
export interface RawBodyType {
  /** Content type it applies to, e.g. `message/rfc822`. */
  readonly type: string;
  readonly limitBytes: number;
}

/**
 * Request bodies: JSON up to `jsonLimitBytes` (413 beyond), the raw types listed, and 415 for a
 * body of any other type. Parser errors become problems here, before Nest would turn a JSON
 * syntax error into a plain 400.
 */
export function configureRequestBodies(
  app: NestExpressApplication,
  jsonLimitBytes: number,
  rawTypes: readonly RawBodyType[],
): void {
  // Registered first, so Nest skips its own JSON parser (100 kB) and never re-parses.
  app.useBodyParser('json', {
    limit: jsonLimitBytes,
    type: ['application/json', 'application/*+json'],
  });
  for (const raw of rawTypes) app.useBodyParser('raw', { type: raw.type, limit: raw.limitBytes });
  app.use(parserErrorsAsProblems);
  app.use(refuseUnparsedBodies);
}

function parserErrorsAsProblems(
  error: unknown,
  _request: Request,
  _response: Response,
  next: NextFunction,
): void {
  const problem =
    typeof error === 'object' && error !== null ? bodyParserProblem(error) : undefined;
  next(problem ? new HttpProblem(problem.status, problem.body.code, problem.body.detail) : error);
}

/** A body that no parser above took is still unread (body-parser reads what it parses). */
function refuseUnparsedBodies(request: Request, _response: Response, next: NextFunction): void {
  const length = request.headers['content-length'];
  const hasBody =
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
  const read = request.complete && !request.readable;
  if (!hasBody || read) {
    next();
    return;
  }
  const type = request.headers['content-type'] ?? 'none';
  next(
    new HttpProblem(
      415,
      'unsupported-media-type',
      `Request bodies must be application/json here (got ${type.slice(0, 100)}).`,
    ),
  );
}

import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { IdempotentReplay } from '../idempotency/idempotency.guard';
import { correlationIdOf } from '../logging/correlation-id';
import { PROBLEM_CONTENT_TYPE } from './http-problem';
import { toProblem } from './problem-mapping';

/**
 * The one exception filter: every error of an HTTP request is answered as
 * `application/problem+json` (RFC 9457). Faults (5xx that are not a deliberate answer) are
 * logged with their stack; their detail stays generic, so nothing internal leaks. A request
 * whose Idempotency-Key already has an answer ends here too (IdempotentReplay): that answer is
 * sent as it was stored.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    if (exception instanceof IdempotentReplay) {
      exception.send(response);
      return;
    }
    const problem = toProblem(exception);
    const where = `${request.method} ${request.originalUrl ?? request.url}`;
    // The request's correlation id, as on its request line (pino merges the object's fields).
    const correlationId = correlationIdOf(request);
    if (problem.log === 'error') {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error({ correlationId, stack }, `${where} failed: ${describe(exception)}`);
    } else if (problem.log === 'warn') {
      this.logger.warn(
        { correlationId },
        `${where} answered ${problem.status}: ${describe(exception)}`,
      );
    }
    if (response.headersSent) {
      // A stream already started (SSE, a file): the status is gone, end the connection.
      response.end();
      return;
    }
    for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
    response.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem.body));
  }
}

function describe(exception: unknown): string {
  return exception instanceof Error ? `${exception.name}: ${exception.message}` : String(exception);
}

import { Logger, type ArgumentsHost, type LoggerService } from '@nestjs/common';
import { HttpProblem } from './http-problem';
import { ProblemDetailsFilter } from './problem-details.filter';
import { QueueUnavailableError } from './queue-unavailable';

/** What the filter logged and answered for one exception of a request with this correlation id. */
function handle(exception: unknown, correlationId: string) {
  const logged: Array<{ level: string; args: unknown[] }> = [];
  const capture = (level: string) => (...args: unknown[]) => logged.push({ level, args });
  const logger: LoggerService = {
    log: capture('log'),
    error: capture('error'),
    warn: capture('warn'),
  };
  Logger.overrideLogger(logger);
  const answer = { status: 0, headers: {} as Record<string, unknown>, body: '' };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: unknown) => (answer.headers[name] = value),
    status(code: number) {
      answer.status = code;
      return this;
    },
    type(value: string) {
      answer.headers['content-type'] = value;
      return this;
    },
    send(body: string) {
      answer.body = body;
      return this;
    },
  };
  const request = { method: 'POST', url: '/incidents', id: correlationId, headers: {} };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  try {
    new ProblemDetailsFilter().catch(exception, host);
  } finally {
    Logger.overrideLogger(false);
  }
  return { logged, answer };
}

describe('ProblemDetailsFilter', () => {
  it("logs a fault with the request's correlation id and its stack, and answers a generic 500", () => {
    const { logged, answer } = handle(new Error('disk on fire'), 'corr-500');
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('disk on fire');
    expect(logged).toHaveLength(1);
    const [fields, message] = logged[0].args as [Record<string, unknown>, string];
    expect(logged[0].level).toBe('error');
    expect(fields).toMatchObject({ correlationId: 'corr-500' });
    expect(String(fields.stack)).toContain('disk on fire');
    expect(message).toContain('POST /incidents failed');
  });

  it('logs an outage answer (503) in one line with the correlation id', () => {
    const { logged, answer } = handle(new QueueUnavailableError('Redis is away'), 'corr-503');
    expect(answer.status).toBe(503);
    expect(answer.headers['Retry-After']).toBe('5');
    expect(logged.map((line) => line.level)).toEqual(['warn']);
    expect(logged[0].args[0]).toEqual({ correlationId: 'corr-503' });
  });

  it('logs nothing for a refusal', () => {
    const { logged, answer } = handle(new HttpProblem(422, 'nope', 'Not now.'), 'corr-422');
    expect(answer.status).toBe(422);
    expect(logged).toEqual([]);
  });
});

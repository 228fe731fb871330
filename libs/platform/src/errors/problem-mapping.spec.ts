import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError, ForbiddenError, NotFoundError } from '@engine/domain';
import {
  ConcurrencyConflictError,
  EventIdConflictError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '@engine/event-store';
import { HttpProblem, PROBLEM_TYPE_BASE } from './http-problem';
import { toProblem } from './problem-mapping';
import { isRedisOffline, QueueUnavailableError } from './queue-unavailable';

describe('toProblem', () => {
  it('answers a domain refusal 422 with its code and details merged in', () => {
    const error = new DomainError('category-not-covered', 'Category x is not covered', {
      coveredCategories: ['a', 'b'],
    });
    expect(toProblem(error)).toEqual({
      status: 422,
      headers: {},
      log: undefined,
      body: {
        type: `${PROBLEM_TYPE_BASE}category-not-covered`,
        title: 'Category not covered',
        status: 422,
        detail: 'Category x is not covered',
        code: 'category-not-covered',
        coveredCategories: ['a', 'b'],
      },
    });
  });

  it('never lets a detail replace a standard member', () => {
    const error = new DomainError('x-refused', 'no', { status: 200, code: 'other', type: 'y' });
    expect(toProblem(error).body).toMatchObject({ status: 422, code: 'x-refused' });
    expect(toProblem(error).body.type).toBe(`${PROBLEM_TYPE_BASE}x-refused`);
  });

  it.each([
    [new NotFoundError('No incident x'), 404, 'not-found'],
    [new NotFoundError('No customer', 'customer-not-found'), 404, 'customer-not-found'],
    [new ForbiddenError('not-a-lead', 'You are not a lead'), 403, 'not-a-lead'],
  ])('answers %p with %i %s', (error, status, code) => {
    expect(toProblem(error)).toMatchObject({ status, body: { status, code } });
  });

  it('matches a domain error by its name when it comes from another copy of the class', () => {
    const foreign = Object.assign(new Error('gone'), { name: 'NotFoundError', code: 'not-found' });
    expect(toProblem(foreign)).toMatchObject({ status: 404, body: { code: 'not-found' } });
  });

  it('answers a stale If-Match 412 precondition-failed with the current version', () => {
    const error = new WrongExpectedVersionError('incident-1', 3n, 5n);
    expect(toProblem(error)).toMatchObject({
      status: 412,
      body: { code: 'precondition-failed', currentVersion: 5 },
    });
  });

  it('answers exhausted retries 409 concurrency-conflict', () => {
    expect(toProblem(new ConcurrencyConflictError('incident-1', 6))).toMatchObject({
      status: 409,
      body: { code: 'concurrency-conflict' },
    });
    expect(toProblem(new EventIdConflictError('s', ['id'], 'other content'))).toMatchObject({
      status: 409,
      body: { code: 'event-id-conflict' },
    });
  });

  it('answers an unreachable store 503 with Retry-After, logged as a warning', () => {
    expect(toProblem(new StoreUnavailableError('connection refused'))).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '1' },
      log: 'warn',
      body: { code: 'store-unavailable' },
    });
  });

  it('answers a read store whose PostgreSQL connection was ended 503 store-unavailable', () => {
    const ended = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });
    expect(toProblem(ended)).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { code: 'store-unavailable' },
    });
    expect(toProblem(new Error('Connection terminated unexpectedly')).status).toBe(503);
  });

  it('answers Redis not answering 503 queue-unavailable with Retry-After', () => {
    expect(toProblem(new QueueUnavailableError())).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '5' },
      body: { code: 'queue-unavailable' },
      log: 'warn',
    });
  });

  it('answers anything else 500 with a generic detail and logs it', () => {
    const problem = toProblem(new TypeError('secret internals at /srv/x.ts'));
    expect(problem).toMatchObject({ status: 500, log: 'error', body: { code: 'internal-error' } });
    expect(JSON.stringify(problem.body)).not.toContain('secret');
    expect(toProblem('a string')).toMatchObject({ status: 500 });
    expect(toProblem(null)).toMatchObject({ status: 500 });
  });

  it('keeps a thrown HttpProblem as it is, with its headers', () => {
    const problem = new HttpProblem(401, 'unauthorized', 'No token', {
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
    expect(toProblem(problem)).toEqual({
      status: 401,
      body: problem.body,
      headers: { 'WWW-Authenticate': 'Bearer' },
    });
  });

  it('answers Nest HttpExceptions with their status and a code derived from it', () => {
    expect(toProblem(new NotFoundException('Cannot GET /nope'))).toMatchObject({
      status: 404,
      body: { code: 'not-found', title: 'Not found', detail: 'Cannot GET /nope' },
    });
    expect(toProblem(new HttpException('Slow down', 429))).toMatchObject({
      status: 429,
      body: { code: 'too-many-requests', detail: 'Slow down' },
    });
  });

  it('keeps the code, detail and extra members of an HttpException thrown with an object', () => {
    const error = new BadRequestException({
      code: 'invalid-if-match',
      detail: 'If-Match must be a version',
      expected: '"3"',
    });
    expect(toProblem(error).body).toMatchObject({
      status: 400,
      code: 'invalid-if-match',
      detail: 'If-Match must be a version',
      expected: '"3"',
    });
  });

  it('hides the detail of a 500 HttpException', () => {
    const problem = toProblem(new HttpException('db password wrong', 500));
    expect(problem).toMatchObject({ status: 500, log: 'error' });
    expect(problem.body.detail).not.toContain('password');
  });

  it.each([
    [{ status: 400, type: 'entity.parse.failed', expose: true }, 400, 'malformed-json'],
    [
      { status: 413, type: 'entity.too.large', limit: 1024, expose: true },
      413,
      'payload-too-large',
    ],
    [{ status: 415, type: 'charset.unsupported', expose: true }, 415, 'unsupported-media-type'],
    [{ status: 400, type: 'request.aborted', expose: true }, 400, 'request-aborted'],
    [{ statusCode: 431, expose: true }, 431, 'request-header-fields-too-large'],
  ])('answers a body-parser error %j with %i %s', (fields, status, code) => {
    const error = Object.assign(new Error('parser says no'), fields);
    expect(toProblem(error)).toMatchObject({ status, body: { status, code } });
  });

  it('does not trust a status on an error that is not meant to be shown', () => {
    const error = Object.assign(new Error('internal'), { status: 404, expose: false });
    expect(toProblem(error)).toMatchObject({ status: 500 });
  });
});

describe('isRedisOffline', () => {
  it('recognises what ioredis throws while its connection is down, and nothing else', () => {
    expect(
      isRedisOffline(new Error("Stream isn't writeable and enableOfflineQueue options is false")),
    ).toBe(true);
    expect(isRedisOffline(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisOffline(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isRedisOffline(new QueueUnavailableError())).toBe(true);
    expect(isRedisOffline(new Error('WRONGTYPE Operation against a key'))).toBe(false);
    expect(isRedisOffline('text')).toBe(false);
  });
});

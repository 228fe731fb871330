import type { IncomingMessage } from 'node:http';
import { correlationIdFromHeaders, correlationIdOf } from './correlation-id';

describe('the correlation id of a request', () => {
  it('is X-Correlation-Id when it is well formed', () => {
    expect(correlationIdFromHeaders({ 'x-correlation-id': 'abc-123' })).toBe('abc-123');
    expect(correlationIdFromHeaders({ 'x-correlation-id': '  abc-123 ' })).toBe('abc-123');
    expect(
      correlationIdFromHeaders({ 'x-correlation-id': 'from-client', 'x-request-id': 'from-proxy' }),
    ).toBe('from-client');
  });

  it('falls back to X-Request-Id when X-Correlation-Id is absent or malformed', () => {
    expect(correlationIdFromHeaders({ 'x-request-id': 'req-7' })).toBe('req-7');
    expect(
      correlationIdFromHeaders({ 'x-correlation-id': 'has space', 'x-request-id': 'req-7' }),
    ).toBe('req-7');
  });

  it('is null (a new one is generated) when neither is well formed', () => {
    expect(correlationIdFromHeaders({})).toBeNull();
    expect(correlationIdFromHeaders({ 'x-correlation-id': '' })).toBeNull();
    expect(correlationIdFromHeaders({ 'x-correlation-id': 'x'.repeat(129) })).toBeNull();
    expect(correlationIdFromHeaders({ 'x-correlation-id': 'line\nbreak' })).toBeNull();
    expect(correlationIdFromHeaders({ 'x-correlation-id': 'caf\u00e9' })).toBeNull();
    expect(correlationIdFromHeaders({ 'x-request-id': 'a\tb' })).toBeNull();
  });

  it('accepts 128 visible ASCII characters, the first of repeated headers', () => {
    const longest = '!~'.repeat(64);
    expect(correlationIdFromHeaders({ 'x-correlation-id': longest })).toBe(longest);
    expect(correlationIdFromHeaders({ 'x-request-id': ['first', 'second'] })).toBe('first');
  });

  it("is the id the logging middleware assigned, else the headers', else a new UUID", () => {
    const request = (id: unknown, headers = {}) => ({ id, headers }) as unknown as IncomingMessage;
    expect(correlationIdOf(request('assigned', { 'x-correlation-id': 'other' }))).toBe('assigned');
    expect(correlationIdOf(request(undefined, { 'x-correlation-id': 'abc' }))).toBe('abc');
    const generated = correlationIdOf(request(undefined));
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(correlationIdOf(request(undefined))).not.toBe(generated);
  });
});

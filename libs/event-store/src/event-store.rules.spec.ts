import { randomUUID } from 'node:crypto';
import { EventIdConflictError, WrongExpectedVersionError } from './event-store.errors';
import type { NewEvent } from './event-store.port';
import {
  checkExpectedVersion,
  checkFeedArgs,
  jsonEquals,
  normaliseBatch,
  type RecordedIdentity,
  replayedResult,
} from './event-store.rules';

const event = (type = 'thing.happened', data: unknown = { a: 1 }): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: {
    occurredAt: '2025-01-01T00:00:00Z',
    actor: { id: 'u', role: 'engineer' },
    correlationId: 'c',
    causationId: null,
  },
});

const recorded = (
  e: NewEvent,
  streamId: string,
  version: bigint,
  position: bigint,
): RecordedIdentity => ({
  id: e.id,
  streamId,
  version,
  position,
  type: e.type,
  data: JSON.parse(JSON.stringify(e.data)),
});

describe('checkExpectedVersion', () => {
  it.each([
    ['any', 0n],
    ['any', 7n],
    ['no-stream', 0n],
    [0n, 0n],
    [3n, 3n],
  ] as const)('accepts %s at version %s', (expected, current) => {
    expect(() => checkExpectedVersion('s', expected, current)).not.toThrow();
  });

  it.each([
    ['no-stream', 1n],
    [0n, 2n],
    [3n, 2n],
    [1n, 0n],
  ] as const)('refuses %s at version %s', (expected, current) => {
    expect(() => checkExpectedVersion('s', expected, current)).toThrow(WrongExpectedVersionError);
  });

  it('rejects a negative version as invalid input', () => {
    expect(() => checkExpectedVersion('s', -1n, 0n)).toThrow(TypeError);
  });

  it('says what was expected and what was found', () => {
    expect(() => checkExpectedVersion('incident-1', 2n, 5n)).toThrow(
      'stream incident-1: expected version 2, but it is at version 5',
    );
  });
});

describe('normaliseBatch', () => {
  it('lowercases ids and keeps the rest', () => {
    const e = { ...event(), id: randomUUID().toUpperCase() };
    expect(normaliseBatch('s', [e])).toEqual([{ ...e, id: e.id.toLowerCase() }]);
  });

  it.each([
    ['a non-UUID id', [{ ...event(), id: '42' }]],
    [
      'a duplicate id',
      (() => {
        const e = event();
        return [e, { ...e, id: e.id.toUpperCase() }];
      })(),
    ],
    ['an empty type', [event('')]],
    ['a $ type', [event('$metadata')]],
  ])('refuses %s', (_, batch) => {
    expect(() => normaliseBatch('s', batch)).toThrow(TypeError);
  });

  it('refuses empty and system stream ids', () => {
    expect(() => normaliseBatch('', [])).toThrow(TypeError);
    expect(() => normaliseBatch('$all', [])).toThrow(TypeError);
  });
});

describe('replayedResult', () => {
  const [a, b] = [event('a', { x: 1, y: [1, 2] }), event('b')];

  it('is null for a new batch', () => {
    expect(replayedResult('s', [a, b], [])).toBeNull();
  });

  it('returns the original result for a full replay, metadata aside', () => {
    const originals = [recorded(b, 's', 4n, 41n), recorded(a, 's', 3n, 40n)];
    const retried = [
      { ...a, data: { y: [1, 2], x: 1 }, metadata: { ...a.metadata, occurredAt: 'later' } },
      b,
    ];
    expect(replayedResult('s', retried, originals)).toEqual({
      nextVersion: 4n,
      positions: [40n, 41n],
      replayed: true,
    });
  });

  it('refuses a partial replay, another stream, other content', () => {
    expect(() => replayedResult('s', [a, b], [recorded(a, 's', 1n, 1n)])).toThrow(
      EventIdConflictError,
    );
    expect(() => replayedResult('s', [a], [recorded(a, 'other', 1n, 1n)])).toThrow(
      /another stream/,
    );
    expect(() =>
      replayedResult('s', [{ ...a, data: { x: 2 } }], [recorded(a, 's', 1n, 1n)]),
    ).toThrow(/other content/);
    expect(() => replayedResult('s', [{ ...a, type: 'z' }], [recorded(a, 's', 1n, 1n)])).toThrow(
      /other content/,
    );
  });
});

describe('jsonEquals', () => {
  it('compares parsed JSON structurally, ignoring key order', () => {
    expect(jsonEquals({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEquals({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(jsonEquals([1, 2], [2, 1])).toBe(false);
    expect(jsonEquals({ 0: 'x' }, ['x'])).toBe(false);
    expect(jsonEquals('1', 1)).toBe(false);
  });
});

describe('checkFeedArgs', () => {
  it('wants a bigint position >= 0 and a positive integer limit', () => {
    expect(() => checkFeedArgs(0n, 1)).not.toThrow();
    expect(() => checkFeedArgs(-1n, 1)).toThrow(TypeError);
    expect(() => checkFeedArgs(0n, 0)).toThrow(TypeError);
    expect(() => checkFeedArgs(0n, 1.5)).toThrow(TypeError);
    expect(() => checkFeedArgs(1 as unknown as bigint, 1)).toThrow(TypeError);
  });
});

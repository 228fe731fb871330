import { EventIdConflictError, WrongExpectedVersionError } from './event-store.errors';
import type { AppendResult, ExpectedVersion, NewEvent } from './event-store.port';

/**
 * The rules every adapter shares, so that they cannot drift apart: batch validation, the
 * expected-version check, idempotent replays by event id and the feed's argument checks.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Checks the batch and returns it with ids in canonical lowercase form. */
export function normaliseBatch(streamId: string, events: readonly NewEvent[]): NewEvent[] {
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.startsWith('$')) {
    throw new TypeError(
      `invalid stream id ${JSON.stringify(streamId)}: non-empty, not starting with $`,
    );
  }
  const seen = new Set<string>();
  return events.map((event) => {
    if (typeof event.id !== 'string' || !UUID.test(event.id)) {
      throw new TypeError(`stream ${streamId}: event id ${JSON.stringify(event.id)} is not a UUID`);
    }
    const id = event.id.toLowerCase();
    if (seen.has(id))
      throw new TypeError(`stream ${streamId}: event id ${id} appears twice in one batch`);
    seen.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
      throw new TypeError(`stream ${streamId}: invalid event type ${JSON.stringify(event.type)}`);
    }
    return id === event.id ? event : { ...event, id };
  });
}

/** Throws unless `current` (0n = no events) satisfies `expected`. */
export function checkExpectedVersion(
  streamId: string,
  expected: ExpectedVersion,
  current: bigint,
): void {
  if (expected === 'any') return;
  const wanted = expected === 'no-stream' ? 0n : expected;
  if (typeof wanted !== 'bigint' || wanted < 0n) {
    throw new TypeError(`stream ${streamId}: invalid expected version ${String(expected)}`);
  }
  if (current !== wanted) throw new WrongExpectedVersionError(streamId, expected, current);
}

/** The recorded columns needed to recognise a replayed batch. */
export interface RecordedIdentity {
  readonly id: string;
  readonly streamId: string;
  readonly version: bigint;
  readonly position: bigint;
  readonly type: string;
  readonly data: unknown;
}

/**
 * Given the already recorded events that share an id with the batch: null when there are none (a
 * new batch), the original result when the whole batch is a replay, else EventIdConflictError.
 * Content is compared on type and data; metadata (timestamps of a retry) may differ.
 */
export function replayedResult(
  streamId: string,
  batch: readonly NewEvent[],
  recorded: readonly RecordedIdentity[],
): AppendResult | null {
  if (recorded.length === 0) return null;
  const byId = new Map(recorded.map((event) => [event.id.toLowerCase(), event]));
  const elsewhere = recorded
    .filter((event) => event.streamId !== streamId)
    .map((event) => event.id);
  if (elsewhere.length > 0)
    throw new EventIdConflictError(streamId, elsewhere, 'recorded in another stream');
  const missing = batch.filter((event) => !byId.has(event.id));
  if (missing.length > 0) {
    throw new EventIdConflictError(
      streamId,
      recorded.map((event) => event.id),
      `only part of the batch is recorded (${missing.length} of ${batch.length} events are not)`,
    );
  }
  const changed = batch.filter((event) => {
    const original = byId.get(event.id) as RecordedIdentity;
    return original.type !== event.type || !jsonEquals(original.data, toJson(event.data));
  });
  if (changed.length > 0) {
    throw new EventIdConflictError(
      streamId,
      changed.map((event) => event.id),
      'recorded with other content',
    );
  }
  const originals = batch.map((event) => byId.get(event.id) as RecordedIdentity);
  const nextVersion = originals.reduce(
    (max, event) => (event.version > max ? event.version : max),
    0n,
  );
  return { nextVersion, positions: originals.map((event) => event.position), replayed: true };
}

/** Serialises `value` as stored (undefined becomes null); throws TypeError when it is not JSON. */
export function stringifyJson(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

const toJson = (value: unknown): unknown => JSON.parse(stringifyJson(value));

/** Structural equality of two parsed JSON values; object key order does not matter. */
export function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => jsonEquals(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every(
      (key) =>
        Object.prototype.hasOwnProperty.call(right, key) && jsonEquals(left[key], right[key]),
    )
  );
}

/** Checks readAll / subscribe arguments. */
export function checkFeedArgs(from: bigint, limit = 1): void {
  if (typeof from !== 'bigint' || from < 0n)
    throw new TypeError(`feed position must be a bigint >= 0n, got ${String(from)}`);
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new TypeError(`limit must be a positive integer, got ${limit}`);
}

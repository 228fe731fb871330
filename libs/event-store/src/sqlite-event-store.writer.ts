import type Database from 'better-sqlite3';
import {
  EventIdConflictError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from './event-store.errors';
import type { AppendResult, ExpectedVersion, NewEvent } from './event-store.port';
import { checkExpectedVersion, replayedResult, stringifyJson } from './event-store.rules';
import { SqliteQueries } from './sqlite-event-store.queries';

/**
 * The write side of the SQLite adapter as plain data in and out, so that it runs the same on the
 * adapter's own connection (an in-memory database) and on the writer thread's connection (a file):
 * appends arrive with their events already serialised, and outcomes, errors included, leave as
 * values a `postMessage` carries unchanged.
 */

export interface SerialisedEvent {
  readonly id: string;
  readonly type: string;
  /** JSON text, as stored. */
  readonly data: string;
  /** JSON text, as stored. */
  readonly metadata: string;
}

export interface SerialisedAppend {
  readonly streamId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly SerialisedEvent[];
}

/** Why an append, or a whole group, was refused, as data; `failureError` makes it the error. */
export type WriteFailure =
  | {
      readonly kind: 'wrong-expected-version';
      readonly streamId: string;
      readonly expected: ExpectedVersion;
      readonly actual: bigint;
    }
  | {
      readonly kind: 'event-id-conflict';
      readonly streamId: string;
      readonly eventIds: readonly string[];
      readonly reason: string;
    }
  | { readonly kind: 'store-unavailable'; readonly message: string }
  | { readonly kind: 'invalid'; readonly message: string }
  | { readonly kind: 'error'; readonly message: string; readonly code?: string };

export type WriteOutcome =
  | { readonly ok: true; readonly result: AppendResult; readonly written: boolean }
  | { readonly ok: false; readonly failure: WriteFailure };

/** Serialises a batch as the writer takes it; throws TypeError when data or metadata is not JSON. */
export function serialiseAppend(
  streamId: string,
  batch: readonly NewEvent[],
  expected: ExpectedVersion,
): SerialisedAppend {
  return {
    streamId,
    expected,
    events: batch.map((event) => ({
      id: event.id,
      type: event.type,
      data: stringifyJson(event.data),
      metadata: stringifyJson(event.metadata),
    })),
  };
}

/**
 * Opens the writer on `db`: each call writes a group of appends in ONE transaction (one fsync),
 * each append in a savepoint of its own with its own checks, exactly as alone: a refused append
 * (expected version, event id) rolls back only itself. Throws the group's failure (see
 * `toWriteFailure`) when the transaction as a whole fails (the write lock not had in time, the
 * commit refused by the disk); then nothing of the group is written.
 */
export function openSqliteWriter(
  db: Database.Database,
): (group: readonly SerialisedAppend[]) => WriteOutcome[] {
  const queries = new SqliteQueries(db);
  const appendTransaction = db.transaction(
    (append: SerialisedAppend): { result: AppendResult; written: boolean } => {
      const { streamId, events, expected } = append;
      const recorded = queries.byIds(events.map((event) => event.id));
      // Parsed only for a batch that may be a replay, to compare its content with the original.
      const replay =
        recorded.length > 0 ? replayedResult(streamId, events.map(parseEvent), recorded) : null;
      if (replay) return { result: replay, written: false };
      const current = queries.currentVersion(streamId);
      checkExpectedVersion(streamId, expected, current);
      const positions = events.map((event, index) =>
        queries.insert(streamId, current + BigInt(index + 1), event),
      );
      const nextVersion = current + BigInt(events.length);
      return { result: { nextVersion, positions }, written: events.length > 0 };
    },
  );
  // Nested in the group's transaction, each appendTransaction call is a savepoint.
  const groupTransaction = db.transaction((group: readonly SerialisedAppend[]) =>
    group.map((append): WriteOutcome => {
      try {
        return { ok: true, ...appendTransaction(append) };
      } catch (error) {
        return { ok: false, failure: toWriteFailure(error) };
      }
    }),
  );
  return (group) => groupTransaction.immediate(group);
}

const parseEvent = (event: SerialisedEvent): NewEvent => ({
  id: event.id,
  type: event.type,
  data: JSON.parse(event.data),
  metadata: JSON.parse(event.metadata),
});

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|NOTADB|CORRUPT|PROTOCOL)/;

/** SQLite's errors that mean "the file cannot be used now" become StoreUnavailableError (503). */
export function mapSqliteError(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' && UNAVAILABLE.test(code)
    ? new StoreUnavailableError(`SQLite: ${String(message)}`, { cause: error })
    : error;
}

/** An error thrown while writing, as data. */
export function toWriteFailure(thrown: unknown): WriteFailure {
  const error = mapSqliteError(thrown);
  if (error instanceof WrongExpectedVersionError) {
    const { streamId, expected, actual } = error;
    return { kind: 'wrong-expected-version', streamId, expected, actual };
  }
  if (error instanceof EventIdConflictError) {
    const { streamId, eventIds, reason } = error;
    return { kind: 'event-id-conflict', streamId, eventIds, reason };
  }
  if (error instanceof StoreUnavailableError) {
    return { kind: 'store-unavailable', message: error.message };
  }
  if (error instanceof TypeError) return { kind: 'invalid', message: error.message };
  const { code } = (error ?? {}) as { code?: unknown };
  return {
    kind: 'error',
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/** The error a failure stands for, as the port's callers know it. */
export function failureError(failure: WriteFailure): Error {
  switch (failure.kind) {
    case 'wrong-expected-version':
      return new WrongExpectedVersionError(failure.streamId, failure.expected, failure.actual);
    case 'event-id-conflict':
      return new EventIdConflictError(failure.streamId, failure.eventIds, failure.reason);
    case 'store-unavailable':
      return new StoreUnavailableError(failure.message);
    case 'invalid':
      return new TypeError(failure.message);
    case 'error':
      return Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {});
  }
}

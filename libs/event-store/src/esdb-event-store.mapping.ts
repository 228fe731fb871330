import {
  ANY,
  type AppendExpectedRevision,
  type CurrentRevision,
  ErrorType,
  NO_STREAM,
  type Position,
  type ResolvedEvent,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import { StoreUnavailableError, WrongExpectedVersionError } from './event-store.errors';
import type { EventMetadata, ExpectedVersion, RecordedEvent } from './event-store.port';

/**
 * Pure translations between the port and EventStoreDB. Revisions are 0-based (the first event is
 * revision 0), versions 1-based: version = revision + 1. A position is the event's commit position:
 * events appended through gRPC are each committed at their own log position (commit = prepare), so
 * it is unique and increases in $all order; the full {commit, prepare} pair is rebuilt from it.
 */

export const revisionToVersion = (revision: bigint): bigint => revision + 1n;

export const versionToRevision = (version: bigint): bigint => version - 1n;

/** The stream's version from EventStoreDB's "current revision" (no stream = version 0). */
export const currentRevisionToVersion = (current: CurrentRevision): bigint =>
  current === NO_STREAM ? 0n : revisionToVersion(current);

export function toExpectedRevision(expected: ExpectedVersion): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no-stream' || expected === 0n) return NO_STREAM;
  if (typeof expected !== 'bigint' || expected < 0n)
    throw new TypeError(`invalid expected version ${String(expected)}`);
  return versionToRevision(expected);
}

export const toPosition = (position: bigint): Position => ({ commit: position, prepare: position });

/** Lexicographic order of {commit, prepare}, the order of $all. */
export const comparePositions = (a: Position, b: Position): number =>
  a.commit !== b.commit
    ? a.commit < b.commit
      ? -1
      : 1
    : a.prepare === b.prepare
      ? 0
      : a.prepare < b.prepare
        ? -1
        : 1;

const errorType = (error: unknown): unknown => (error as { type?: unknown } | null)?.type;

export const isStreamNotFound = (error: unknown): boolean =>
  errorType(error) === ErrorType.STREAM_NOT_FOUND;

const UNAVAILABLE_TYPES: readonly unknown[] = [
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.NOT_LEADER,
  ErrorType.CANCELLED,
];

/** Translates the client's errors into the port's; others pass through unchanged. */
export function mapEsdbError(
  error: unknown,
  streamId?: string,
  expected?: ExpectedVersion,
): unknown {
  const type = errorType(error);
  if (
    type === ErrorType.WRONG_EXPECTED_VERSION &&
    streamId !== undefined &&
    expected !== undefined
  ) {
    const actual = (error as { actualVersion?: CurrentRevision }).actualVersion;
    return new WrongExpectedVersionError(
      streamId,
      expected,
      actual === undefined ? -1n : currentRevisionToVersion(actual),
    );
  }
  if (UNAVAILABLE_TYPES.includes(type)) {
    return new StoreUnavailableError(`EventStoreDB: ${(error as Error).message}`, { cause: error });
  }
  return error;
}

/** System streams and events ($-prefixed) are EventStoreDB's own, never the engine's. */
export const isEngineEvent = (streamId: string, type: string): boolean =>
  !streamId.startsWith('$') && !type.startsWith('$');

export const matchesPrefixes = (
  streamId: string,
  prefixes: readonly string[] | undefined,
): boolean => !prefixes?.length || prefixes.some((prefix) => streamId.startsWith(prefix));

/**
 * A resolved event as the port's RecordedEvent; null for what the engine does not own: system
 * events, links, non-JSON events. Positions need EventStoreDB 22.6 or later.
 */
export function toRecordedEvent(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
): RecordedEvent | null {
  const event = resolved.event;
  if (!event || resolved.link || !event.isJson || !isEngineEvent(event.streamId, event.type))
    return null;
  const position = event.position?.commit ?? resolved.commitPosition;
  if (position === undefined)
    throw new Error('EventStoreDB did not report event positions (a server before 22.6?)');
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    version: revisionToVersion(event.revision),
    position,
    data: event.data,
    metadata: event.metadata as unknown as EventMetadata,
  };
}

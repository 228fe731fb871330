import type { RecordedEvent } from '@engine/event-store';
import type { Row, TableSchema } from '../schema/table-schema';

/**
 * One read-model table kept as documents, one per key: `evolve(doc | null, event) -> doc | null`
 * (null: no row). Pure: no I/O, no clock; the runner loads the documents a batch touches, folds
 * the batch and writes the rows that changed. Methods (not arrow properties) so that a document of
 * any type fits a projection's list.
 */
export interface DocumentProjection<Doc> {
  readonly table: TableSchema;
  /** The document an event concerns in this table, or null when the table ignores the event. */
  keyOf(event: RecordedEvent): string | null;
  evolve(doc: Doc | null, event: RecordedEvent): Doc | null;
  toRow(doc: Doc): Row;
  fromRow(row: Row): Doc;
}

/** What a projected event changed, as the live stream (SSE) announces it. */
export interface ProjectionChange {
  readonly type: string;
  readonly incidentId: string;
  readonly position: string;
  readonly number: string | null;
  readonly customerId: string | null;
}

/** Reads a document as it stands right after the event being described. */
export type DocumentLookup = (table: string, key: string) => unknown;

/**
 * A projection: the unit with one checkpoint, one runner lease, one status and one rebuild. It
 * follows the feed under `streamPrefixes` and keeps its tables in step with it.
 */
export interface Projection {
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  readonly documents: readonly DocumentProjection<unknown>[];
  /** Announces an applied event on the live stream; projections that announce nothing omit it. */
  describe?(event: RecordedEvent, lookup: DocumentLookup): ProjectionChange | null;
}

/** An event the projection cannot apply: the runner halts there instead of skipping it. */
export class ProjectionApplyError extends Error {
  constructor(
    readonly projection: string,
    readonly event: RecordedEvent,
    cause: unknown,
  ) {
    super(
      `projection ${projection} cannot apply ${event.type} at position ${event.position}: ${
        cause instanceof Error ? cause.message : String(cause)
      }`,
      { cause },
    );
    this.name = 'ProjectionApplyError';
  }
}

/** The stream id's part after `prefix`, or null when the stream is not under it. */
export const idAfterPrefix = (streamId: string, prefix: string): string | null =>
  streamId.startsWith(prefix) && streamId.length > prefix.length
    ? streamId.slice(prefix.length)
    : null;

/** The event's `occurredAt`, or null when the metadata lacks one. */
export const occurredAtOf = (event: RecordedEvent): string | null =>
  typeof event.metadata?.occurredAt === 'string' ? event.metadata.occurredAt : null;

/** Canonical RFC 3339 UTC (fixed width, so text order is time order); null stays null. */
export const instant = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new TypeError(`not an instant: ${JSON.stringify(value)}`);
  return new Date(ms).toISOString();
};

import type { EventMetadata, RecordedEvent } from './event-store.port';

/** A recorded event as JSON (HTTP, webhooks, SSE): bigints become decimal strings. */
export interface SerializedRecordedEvent {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly version: string;
  readonly position: string;
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export const serializeRecordedEvent = (event: RecordedEvent): SerializedRecordedEvent => ({
  id: event.id,
  type: event.type,
  streamId: event.streamId,
  version: event.version.toString(),
  position: event.position.toString(),
  data: event.data,
  metadata: event.metadata,
});

/** Parses a position or version given as text (query string, header, checkpoint file). */
export function parseBigIntText(text: string, what = 'value'): bigint {
  if (!/^(0|[1-9][0-9]*)$/.test(text))
    throw new TypeError(`${what} must be a non-negative integer, got ${JSON.stringify(text)}`);
  return BigInt(text);
}

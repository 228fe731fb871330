import type { Actor } from '@engine/domain';
import type { RecordedEvent } from '@engine/event-store';

/** An event as webhooks carry it: bigints as decimal strings, so every JSON parser keeps them. */
export interface WebhookEventData {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly version: string;
  readonly position: string;
  readonly occurredAt: string;
  readonly actor: Actor | null;
  readonly data: unknown;
}

export const toWebhookEvent = (event: RecordedEvent): WebhookEventData => ({
  id: event.id,
  type: event.type,
  streamId: event.streamId,
  version: event.version.toString(),
  position: event.position.toString(),
  occurredAt: event.metadata.occurredAt,
  actor: event.metadata.actor ?? null,
  data: event.data,
});

/**
 * The body of a delivery, `{ type, timestamp, data }` (Standard Webhooks): `timestamp` is when the
 * event occurred, so the body, like the `webhook-id`, is the same on every attempt and replay.
 */
export const webhookBody = (event: WebhookEventData): string =>
  JSON.stringify({ type: event.type, timestamp: event.occurredAt, data: event });

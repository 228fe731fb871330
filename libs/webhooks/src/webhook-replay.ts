import type { Subscription } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import type { DeliveryJobData } from './delivery-queue';
import { IncidentCustomers } from './incident-customers';
import { INCIDENT_STREAM_PREFIX, deliveriesFor, type DeliveryProducer } from './webhook-dispatcher';

/** Where a replay starts: after a feed position, or at an instant (events that occurred then or later). */
export type ReplayFrom =
  | { readonly kind: 'position'; readonly position: bigint }
  | { readonly kind: 'time'; readonly at: string };

const POSITION = /^\d{1,19}$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A string of digits is a position; an RFC 3339 date-time is a time; anything else null. */
export function parseReplayFrom(text: string): ReplayFrom | null {
  if (POSITION.test(text)) return { kind: 'position', position: BigInt(text) };
  if (RFC3339.test(text) && !Number.isNaN(Date.parse(text)))
    return { kind: 'time', at: new Date(Date.parse(text)).toISOString() };
  return null;
}

const PAGE = 500;

/**
 * Enqueues again, as new jobs of this replay, the deliveries the subscription's filters select
 * among the incident events after `from`: same events, so the same `webhook-id`s and bodies.
 * Events from before the subscription are included (a replay is how a new receiver backfills).
 */
export async function replayDeliveries(
  store: EventStore,
  producer: DeliveryProducer,
  subscription: Subscription,
  from: ReplayFrom,
  replayId: string,
): Promise<{ readonly deliveries: number }> {
  const customers = new IncidentCustomers(store);
  const notBefore = from.kind === 'time' ? Date.parse(from.at) : null;
  let cursor = from.kind === 'position' ? from.position : 0n;
  let deliveries = 0;
  for (;;) {
    const page = await store.readAll(cursor, PAGE, { streamPrefixes: [INCIDENT_STREAM_PREFIX] });
    const batch: DeliveryJobData[] = [];
    for (const event of page) {
      if (notBefore !== null && Date.parse(event.metadata.occurredAt) < notBefore) continue;
      batch.push(...(await deliveriesFor(event, [subscription], customers, replayId)));
    }
    await producer.enqueue(batch);
    deliveries += batch.length;
    if (page.length < PAGE) return { deliveries };
    cursor = page.at(-1)!.position;
  }
}

import { randomUUID } from 'node:crypto';
import {
  WEBHOOK_STREAM_PREFIX,
  subscriptionWants,
  typeMatches,
  type Subscription,
} from '@engine/domain';
import type { EventStore, RecordedEvent } from '@engine/event-store';
import {
  FeedFollower,
  occurredAtOf,
  type FeedConsumer,
  type FollowerOptions,
  type LeaseOptions,
  type ProjectionStore,
} from '@engine/read-models';
import type { DeliveryJobData } from './delivery-queue';
import { IncidentCustomers } from './incident-customers';
import { SubscriptionSet } from './subscriptions';
import { toWebhookEvent } from './webhook-payload';

export const WEBHOOK_DISPATCHER = 'webhook-dispatcher';
export const INCIDENT_STREAM_PREFIX = 'incident-';

export interface DeliveryProducer {
  enqueue(deliveries: readonly DeliveryJobData[]): Promise<void>;
}

const isIncidentEvent = (event: RecordedEvent): boolean =>
  event.streamId.startsWith(INCIDENT_STREAM_PREFIX) && event.type.startsWith('incident.');

/**
 * The deliveries an incident event calls for: one per subscription that is enabled at that point
 * of the feed and wants its type (and its customer). Subscriptions come from the same feed, so a
 * subscription applies exactly to the events after its `webhook.subscribed`.
 */
export async function deliveriesFor(
  event: RecordedEvent,
  subscriptions: readonly Subscription[],
  customers: IncidentCustomers,
  replayId: string | null = null,
): Promise<DeliveryJobData[]> {
  if (!isIncidentEvent(event)) return [];
  customers.remember(event);
  const candidates = subscriptions.filter(
    (subscription) =>
      subscription.status === 'enabled' &&
      subscription.types.some((pattern) => typeMatches(pattern, event.type)),
  );
  if (candidates.length === 0) return [];
  const customerId = candidates.some((subscription) => subscription.customerId !== null)
    ? await customers.of(event)
    : null;
  const payload = toWebhookEvent(event);
  return candidates
    .filter((subscription) => subscriptionWants(subscription, event.type, customerId))
    .map((subscription) => ({ webhookId: subscription.webhookId, event: payload, replayId }));
}

/**
 * The webhook dispatcher as a feed consumer: follows `incident-` (what to deliver) and `webhook-`
 * (who wants it) events, enqueues the deliveries of each batch, then moves its checkpoint. At
 * least once: a crash between the two re-reads the batch, and the job ids make that a no-op.
 */
export function webhookDispatcherConsumer(
  store: EventStore,
  projections: ProjectionStore,
  producer: DeliveryProducer,
): FeedConsumer {
  const customers = new IncidentCustomers(store);
  // The subscriptions as of the checkpoint; reloaded whenever a batch did not commit.
  let subscriptions: SubscriptionSet | null = null;
  let loadedThrough: bigint | null = null;

  return {
    name: WEBHOOK_DISPATCHER,
    streamPrefixes: [INCIDENT_STREAM_PREFIX, WEBHOOK_STREAM_PREFIX],
    readStatus: () => projections.readStatus(WEBHOOK_DISPATCHER),
    async apply(events, expected, lease) {
      if (subscriptions === null || loadedThrough !== expected)
        subscriptions = await SubscriptionSet.load(store, expected);
      loadedThrough = null;
      const deliveries: DeliveryJobData[] = [];
      for (const event of events) {
        if (event.streamId.startsWith(WEBHOOK_STREAM_PREFIX)) subscriptions.apply(event);
        else deliveries.push(...(await deliveriesFor(event, subscriptions.current(), customers)));
      }
      if (!lease.isHeld()) return { kind: 'lease-lost' };
      await producer.enqueue(deliveries);
      const last = events.at(-1)!;
      const lastEventAt = occurredAtOf(last);
      if (
        await projections.advanceCheckpoint(
          WEBHOOK_DISPATCHER,
          expected,
          last.position,
          lastEventAt,
        )
      ) {
        loadedThrough = last.position;
        return { kind: 'applied', checkpoint: last.position, lastEventAt };
      }
      const { checkpoint } = await projections.readStatus(WEBHOOK_DISPATCHER);
      return { kind: 'moved', checkpoint };
    },
  };
}

export interface WebhookDispatcherOptions extends FollowerOptions {
  readonly owner?: string;
  readonly lease?: LeaseOptions;
}

/** The dispatcher as a feed follower of its own (own checkpoint, own lease: one active at a time). */
export function createWebhookDispatcher(
  store: EventStore,
  projections: ProjectionStore,
  producer: DeliveryProducer,
  options: WebhookDispatcherOptions = {},
): FeedFollower {
  const lease = projections.lease(WEBHOOK_DISPATCHER, options.owner ?? randomUUID(), options.lease);
  return new FeedFollower(
    store,
    webhookDispatcherConsumer(store, projections, producer),
    lease,
    options,
  );
}

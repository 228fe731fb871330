import {
  type AllStreamSubscription,
  type EventStoreDBClient,
  excludeSystemEvents,
  type Position,
  START,
  streamNameFilter,
} from '@eventstore/db-client';
import type {
  EventHandler,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store.port';
import {
  comparePositions,
  mapEsdbError,
  matchesPrefixes,
  toPosition,
  toRecordedEvent,
} from './esdb-event-store.mapping';
import { reportSafely } from './polling-subscription';

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * A catch-up subscription to $all with a server-side filter (stream prefixes, or "no system
 * events"), consumed with `for await` so that each handler is awaited before the next event. When
 * the subscription fails it resubscribes, with capped exponential backoff, from the furthest point
 * known to be done: the last handled event, or a later server checkpoint (reached while skipping
 * filtered-out events) once every event sent before that checkpoint has been handled. Subscribing
 * from a position is exclusive on the server; events at or below the last handled one are also
 * skipped here, so a resubscription never delivers twice.
 */
export function subscribeToAllFrom(
  client: EventStoreDBClient,
  from: bigint,
  handler: EventHandler,
  options: SubscribeOptions,
): Subscription {
  const onError = reportSafely(
    options.onError ??
      ((error, context) => console.error('EventStoreDB subscription', context, error)),
  );
  let stopped = false;
  let current: AllStreamSubscription | null = null;
  let handling = false;
  let lastHandled = from;
  let resumeFrom: Position | null = from === 0n ? null : toPosition(from);
  let wakeSleep: (() => void) | null = null;

  const advance = (position: Position) => {
    if (!resumeFrom || comparePositions(position, resumeFrom) > 0) resumeFrom = position;
  };
  const checkpointReached = (subscription: AllStreamSubscription, position: Position) => {
    // Safe only when nothing the server sent before this checkpoint is still waiting or in a handler.
    if (subscription === current && !handling && subscription.readableLength === 0)
      advance(position);
  };
  const filter = options.streamPrefixes?.length
    ? streamNameFilter({ prefixes: [...options.streamPrefixes], checkpointReached })
    : excludeSystemEvents({ checkpointReached });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeSleep = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeSleep = done;
    });

  const consume = async (subscription: AllStreamSubscription): Promise<'stopped' | 'ended'> => {
    for await (const resolved of subscription) {
      if (stopped) return 'stopped';
      const event: RecordedEvent | null = toRecordedEvent(resolved);
      if (
        !event ||
        event.position <= lastHandled ||
        !matchesPrefixes(event.streamId, options.streamPrefixes)
      )
        continue;
      handling = true;
      try {
        await handler(event);
      } catch (error) {
        stopped = true;
        onError(error, { event, willRetry: false });
        return 'stopped';
      } finally {
        handling = false;
      }
      lastHandled = event.position;
      advance(resolved.event?.position ?? toPosition(event.position));
    }
    return stopped ? 'stopped' : 'ended';
  };

  const run = async () => {
    let failures = 0;
    while (!stopped) {
      const subscription = client.subscribeToAll({ fromPosition: resumeFrom ?? START, filter });
      current = subscription;
      try {
        subscription.once('confirmation', () => {
          failures = 0;
        });
        if ((await consume(subscription)) === 'stopped') break;
        throw new Error('EventStoreDB ended the subscription');
      } catch (error) {
        if (stopped) break;
        onError(mapEsdbError(error), { willRetry: true });
        failures += 1;
        await sleep(Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** failures));
      } finally {
        current = null;
        await subscription.unsubscribe().catch(() => undefined);
      }
    }
  };

  const running = run();
  return {
    async stop() {
      stopped = true;
      wakeSleep?.();
      const subscription = current;
      await subscription?.unsubscribe().catch(() => undefined);
      // A cancelled gRPC call does not always end the piped stream: destroying it ends `for await`.
      subscription?.destroy();
      await running;
    },
  };
}

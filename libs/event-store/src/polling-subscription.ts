import type {
  EventHandler,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store.port';

/** One read of the feed, as the SQL adapters answer it. */
export interface FeedPage {
  readonly events: RecordedEvent[];
  /**
   * Every event at or below this position is final and was examined (matching the prefixes or not),
   * so the next read may start here. Lets a filtered subscription skip the events it does not want
   * instead of scanning them again on every poll.
   */
  readonly scannedUpTo: bigint;
}

export interface FeedSource {
  readPage(
    from: bigint,
    limit: number,
    streamPrefixes: readonly string[] | undefined,
  ): Promise<FeedPage>;
  /** Registers a wake-up call for "something may have been appended"; returns the unregistration. */
  onAppend(listener: () => void): () => void;
}

export interface PollingOptions {
  /** Polls this often even without a wake-up (other processes, missed notifications). */
  readonly pollIntervalMs: number;
  readonly batchSize?: number;
}

const MAX_RETRY_DELAY_MS = 5_000;

const defaultOnError = (
  error: unknown,
  context: { willRetry: boolean; event?: RecordedEvent },
): void => {
  const where = context.event
    ? ` at position ${context.event.position} (${context.event.type})`
    : '';
  console.error(
    `event store subscription${where}: ${context.willRetry ? 'retrying after' : 'stopped by'} error`,
    error,
  );
};

/** An error callback that throws must not turn into an unhandled rejection of the loop. */
export const reportSafely =
  (onError: NonNullable<SubscribeOptions['onError']>): NonNullable<SubscribeOptions['onError']> =>
  (error, context) => {
    try {
      onError(error, context);
    } catch (failure) {
      defaultOnError(failure, context);
    }
  };

/**
 * Catch-up then live subscription over a FeedSource: read a page, hand each event to the handler in
 * order, and when caught up wait for a wake-up or the poll interval. A wake-up that arrives while a
 * page is being handled is remembered, so no append is missed between the read and the wait.
 */
export function startPollingSubscription(
  source: FeedSource,
  from: bigint,
  handler: EventHandler,
  options: SubscribeOptions & PollingOptions,
): Subscription {
  const batchSize = options.batchSize ?? 500;
  const onError = reportSafely(options.onError ?? defaultOnError);
  let stopped = false;
  let woken = false;
  let wake: (() => void) | null = null;
  const unregister = source.onAppend(() => {
    woken = true;
    wake?.();
  });
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  const run = async (): Promise<void> => {
    let cursor = from;
    let failures = 0;
    while (!stopped) {
      woken = false;
      let page: FeedPage;
      try {
        page = await source.readPage(cursor, batchSize, options.streamPrefixes);
        failures = 0;
      } catch (error) {
        if (stopped) break;
        onError(error, { willRetry: true });
        failures += 1;
        await pause(Math.min(MAX_RETRY_DELAY_MS, 50 * 2 ** failures));
        continue;
      }
      for (const event of page.events) {
        if (stopped) return;
        try {
          await handler(event);
        } catch (error) {
          stopped = true;
          onError(error, { event, willRetry: false });
          return;
        }
        cursor = event.position;
      }
      if (page.scannedUpTo > cursor) cursor = page.scannedUpTo;
      if (page.events.length < batchSize && !woken && !stopped) await pause(options.pollIntervalMs);
    }
  };

  const running = run().finally(unregister);
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}

/** The subscriptions a store has started, so that close() can stop them all first. */
export class SubscriptionRegistry {
  private readonly active = new Set<Subscription>();

  track(subscription: Subscription): Subscription {
    this.active.add(subscription);
    return {
      stop: async () => {
        this.active.delete(subscription);
        await subscription.stop();
      },
    };
  }

  async stopAll(): Promise<void> {
    const all = [...this.active];
    this.active.clear();
    await Promise.all(all.map((subscription) => subscription.stop()));
  }
}

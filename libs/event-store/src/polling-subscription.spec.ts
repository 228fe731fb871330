import type { RecordedEvent } from './event-store.port';
import { type FeedSource, startPollingSubscription } from './polling-subscription';

const event = (position: bigint): RecordedEvent => ({
  id: `id-${position}`,
  type: 'x',
  streamId: 's',
  version: position,
  position,
  data: null,
  metadata: {
    occurredAt: 't',
    actor: { id: 'u', role: 'engineer' },
    correlationId: 'c',
    causationId: null,
  },
});

/** A feed of `events`, recording every `from` it is asked for; `fail` makes the next reads throw. */
function fakeFeed(events: RecordedEvent[], scannedUpTo?: bigint) {
  const listeners = new Set<() => void>();
  const reads: bigint[] = [];
  let failures = 0;
  const source: FeedSource = {
    readPage: async (from, limit) => {
      reads.push(from);
      if (failures > 0) {
        failures -= 1;
        throw new Error('database down');
      }
      const page = events.filter((e) => e.position > from).slice(0, limit);
      const last = page.at(-1)?.position ?? from;
      return {
        events: page,
        scannedUpTo: page.length < limit && scannedUpTo && scannedUpTo > last ? scannedUpTo : last,
      };
    },
    onAppend: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    source,
    reads,
    listeners,
    append: (e: RecordedEvent) => {
      events.push(e);
      listeners.forEach((listener) => listener());
    },
    fail: (times: number) => (failures = times),
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 5));
};

describe('startPollingSubscription', () => {
  it('delivers in order in pages, then live on a wake-up without waiting for the poll', async () => {
    const feed = fakeFeed([event(1n), event(2n), event(3n)]);
    const seen: bigint[] = [];
    const subscription = startPollingSubscription(
      feed.source,
      0n,
      async (e) => void seen.push(e.position),
      {
        pollIntervalMs: 60_000,
        batchSize: 2,
      },
    );
    await until(() => seen.length === 3);
    feed.append(event(4n));
    await until(() => seen.length === 4);
    await subscription.stop();
    expect(seen).toEqual([1n, 2n, 3n, 4n]);
    expect(feed.reads.slice(0, 3)).toEqual([0n, 2n, 3n]);
    expect(feed.listeners.size).toBe(0);
  });

  it('moves its cursor past what the source scanned without a match', async () => {
    const feed = fakeFeed([event(5n)], 900n);
    const subscription = startPollingSubscription(feed.source, 0n, async () => undefined, {
      pollIntervalMs: 5,
    });
    await until(() => feed.reads.length >= 2);
    await subscription.stop();
    expect(feed.reads[1]).toBe(900n);
  });

  it('retries failed reads with a report, from the same position', async () => {
    const feed = fakeFeed([event(1n)]);
    feed.fail(2);
    const reports: boolean[] = [];
    const seen: bigint[] = [];
    const subscription = startPollingSubscription(
      feed.source,
      0n,
      async (e) => void seen.push(e.position),
      {
        pollIntervalMs: 5,
        onError: (_, context) => reports.push(context.willRetry),
      },
    );
    await until(() => seen.length === 1);
    await subscription.stop();
    expect(reports).toEqual([true, true]);
    expect(feed.reads.slice(0, 3)).toEqual([0n, 0n, 0n]);
  });

  it('stop waits for the handler in flight', async () => {
    const feed = fakeFeed([event(1n), event(2n)]);
    const handled: bigint[] = [];
    const subscription = startPollingSubscription(
      feed.source,
      0n,
      async (e) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        handled.push(e.position);
      },
      { pollIntervalMs: 5 },
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    await subscription.stop();
    expect(handled).toEqual([1n]);
  });

  it('stops on a failing handler, also when onError itself throws', async () => {
    const feed = fakeFeed([event(1n), event(2n)]);
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const handled: bigint[] = [];
    const subscription = startPollingSubscription(
      feed.source,
      0n,
      async (e) => {
        if (e.position === 1n) throw new Error('handler failed');
        handled.push(e.position);
      },
      {
        pollIntervalMs: 5,
        onError: () => {
          throw new Error('reporter failed');
        },
      },
    );
    await until(() => errors.mock.calls.length > 0);
    await subscription.stop();
    expect(handled).toEqual([]);
    expect(String(errors.mock.calls[0][1])).toContain('reporter failed');
    errors.mockRestore();
  });
});

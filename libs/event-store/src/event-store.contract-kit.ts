import { randomBytes, randomUUID } from 'node:crypto';
import { type Command, type Decider, type DomainEvent, DomainError } from '@engine/domain';
import type {
  EventMetadata,
  EventStore,
  NewEvent,
  ReadAllOptions,
  RecordedEvent,
} from './event-store.port';

/** What a contract run needs from an adapter's spec. */
export interface EventStoreContractSubject {
  readonly store: EventStore;
  /** Opens the same database again (after `store.close()`), as a restarted process would. */
  readonly reopen: () => Promise<EventStore>;
  /** Closes what is still open and drops the test database. */
  readonly cleanup: () => Promise<void>;
  /** false when event ids are unique per stream only (EventStoreDB). Default true. */
  readonly globalEventIds?: boolean;
}

export type EventStoreContractFactory = () => Promise<EventStoreContractSubject>;

/**
 * Stream ids unique to one test, so that the suite also runs against a shared server (EventStoreDB
 * keeps everything): every feed assertion filters on this prefix.
 */
export const uniquePrefix = (): string => `t${randomBytes(5).toString('hex')}`;

export const metadata = (extra: Record<string, unknown> = {}): EventMetadata => ({
  occurredAt: '2025-03-04T10:00:00.000Z',
  actor: { id: 'u-1', role: 'engineer' },
  correlationId: 'corr-1',
  causationId: null,
  ...extra,
});

export const newEvent = (type: string, data: unknown = {}): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: metadata(),
});

/** Polls `read` until `done` accepts its result (the PostgreSQL feed may trail commits briefly). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads the whole feed under `prefixes` from `from`, waiting until at least `count` events are there. */
export const feedOf = (
  store: EventStore,
  prefixes: string[],
  count: number,
  from = 0n,
): Promise<RecordedEvent[]> =>
  eventually(
    () => store.readAll(from, 10_000, { streamPrefixes: prefixes } satisfies ReadAllOptions),
    (events) => events.length >= count,
  );

export const expectStrictlyIncreasing = (positions: readonly bigint[]): void => {
  positions.forEach((position, index) => {
    if (index > 0 && position <= positions[index - 1]) {
      throw new Error(
        `position ${position} at index ${index} does not follow ${positions[index - 1]}`,
      );
    }
  });
};

/** Collects what a subscription delivers and lets a test wait for a count. */
export function collector() {
  const events: RecordedEvent[] = [];
  return {
    events,
    handler: async (event: RecordedEvent) => {
      events.push(event);
    },
    waitFor: (count: number, timeoutMs = 10_000) =>
      eventually(
        async () => events.length,
        (length) => length >= count,
        timeoutMs,
      ).then(() => events),
  };
}

/**
 * A store whose first `parties` readStream calls wait for each other, so that that many concurrent
 * commands surely read the same version and race for the append.
 */
export function withRacingReads(store: EventStore, parties: number): EventStore {
  let waiting: Array<() => void> = [];
  let remaining = parties;
  const meet = () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      remaining -= 1;
      if (remaining > 0) return;
      waiting.forEach((release) => release());
      waiting = [];
    });
  return {
    append: (...args) => store.append(...args),
    readStream: async (...args) => {
      const events = await store.readStream(...args);
      if (remaining > 0) await meet();
      return events;
    },
    readAll: (...args) => store.readAll(...args),
    subscribe: (...args) => store.subscribe(...args),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

/** The tiny aggregate the contract runs handleCommand with. */
export type CounterEvent = DomainEvent<'counter.incremented', { by: number }>;
export type CounterCommand = Command<'counter.increment', { by: number }>;

export const counterDecider: Decider<CounterCommand, CounterEvent, { total: number }> = {
  initialState: { total: 0 },
  evolve: (state, event) => ({ total: state.total + event.data.by }),
  decide: (command) => {
    if (command.data.by < 0) throw new DomainError('negative-increment', 'a counter only goes up');
    return command.data.by === 0
      ? []
      : [{ type: 'counter.incremented', data: { by: command.data.by } }];
  },
};

export const increment = (by: number): CounterCommand => ({
  type: 'counter.increment',
  data: { by },
  meta: { now: '2025-03-04T10:00:00.000Z', actor: { id: 'u-1', role: 'engineer' } },
});

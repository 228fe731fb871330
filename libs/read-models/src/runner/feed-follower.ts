import type { EventStore, RecordedEvent } from '@engine/event-store';
import type { Lease, LeaseHandle } from '../storage/projection-store.port';
import {
  silentLogger,
  type FeedConsumer,
  type FollowerLag,
  type FollowerLogger,
  type FollowerOptions,
  type FollowerState,
  type FollowerStatus,
} from './feed-follower.model';
import { followLiveInBatches, type Ending } from './live-batches';
import { backoffMs, sleep, yieldToEventLoop } from './sleep';

const LAG_CAP = 1_000;

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Follows the global feed for one consumer, from its checkpoint: one active follower per name
 * (the lease; others stand by and take over), history in batches (`readAll`), then live
 * (`subscribe`, events buffered into batches). Each batch moves the checkpoint in the consumer's
 * transaction, so a crash replays at most the uncommitted batch. A transient failure resumes from
 * the stored checkpoint after a capped backoff; an event the consumer cannot apply halts it.
 */
export class FeedFollower {
  private readonly batchSize: number;
  private readonly logger: FollowerLogger;
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;
  private state: FollowerState = 'stopped';
  private checkpoint: bigint | null = null;
  private lastEventAt: string | null = null;
  private error: string | null = null;
  private haltedAt: bigint | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly consumer: FeedConsumer,
    private readonly lease: Lease,
    private readonly options: FollowerOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.logger = options.logger ?? silentLogger;
  }

  get name(): string {
    return this.consumer.name;
  }

  start(): void {
    if (this.running) return;
    this.state = 'starting';
    this.running = this.loop();
  }

  /** Stops following and releases the lease; uncommitted buffered events are simply dropped. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.state = 'stopped';
  }

  status(): FollowerStatus {
    return {
      name: this.consumer.name,
      state: this.state,
      checkpoint: this.checkpoint?.toString() ?? null,
      lastEventAt: this.lastEventAt,
      error: this.error,
      haltedAt: this.haltedAt?.toString() ?? null,
    };
  }

  /** How far behind the feed's head the consumer is (counted up to a cap). */
  async lag(now = Date.now()): Promise<FollowerLag> {
    // Only the active follower knows better than the database.
    const active = this.state === 'catching-up' || this.state === 'running';
    const stored = active && this.checkpoint !== null ? null : await this.consumer.readStatus();
    const from = stored?.checkpoint ?? this.checkpoint!;
    const lastEventAt = stored ? stored.lastEventAt : this.lastEventAt;
    const ahead = await this.store.readAll(from, LAG_CAP + 1, {
      streamPrefixes: this.consumer.streamPrefixes,
    });
    const oldestAhead = ahead[0]?.metadata.occurredAt;
    return {
      eventsBehind: Math.min(ahead.length, LAG_CAP),
      eventsBehindCapped: ahead.length > LAG_CAP,
      secondsSinceLastEvent:
        lastEventAt === null ? null : Math.max(0, (now - Date.parse(lastEventAt)) / 1000),
      secondsBehind:
        typeof oldestAhead === 'string' ? Math.max(0, (now - Date.parse(oldestAhead)) / 1000) : 0,
    };
  }

  private async loop(): Promise<void> {
    let retryPersistedHalt = true;
    while (!this.stopping.signal.aborted) {
      this.state = 'standby';
      const handle = await this.lease.acquire(this.stopping.signal);
      if (!handle) break;
      // Granted as stop() was called: the abort listener below would never fire, so the follower
      // would run on (and its process would not shut down). Let it go for a standby to take.
      if (this.stopping.signal.aborted) {
        await handle.release();
        break;
      }
      this.logger.log(`${this.name}: active (lease ${this.lease.owner})`);
      const held = new AbortController();
      const abortHeld = () => held.abort();
      this.stopping.signal.addEventListener('abort', abortHeld, { once: true });
      void handle.lost.then(abortHeld);
      let failures = 0;
      try {
        while (!held.signal.aborted) {
          try {
            const ending = await this.follow(handle, held.signal, retryPersistedHalt);
            retryPersistedHalt = false;
            failures = 0;
            if (ending === 'halted') await this.waitWhileHalted(held.signal);
            if (ending === 'lost') break;
          } catch (error) {
            failures += 1;
            this.state = 'retrying';
            this.error = describe(error);
            this.logger.warn(`${this.name}: ${this.error}; resuming from the checkpoint`);
            await sleep(backoffMs(failures, this.options.maxBackoffMs ?? 10_000), held.signal);
          }
        }
      } finally {
        this.stopping.signal.removeEventListener('abort', abortHeld);
        await handle.release();
      }
      if (!this.stopping.signal.aborted) this.logger.warn(`${this.name}: lease lost, standing by`);
    }
    this.state = 'stopped';
  }

  /** Catch-up from the stored checkpoint, then live; returns why it ended (or throws). */
  private async follow(
    handle: LeaseHandle,
    signal: AbortSignal,
    retryPersistedHalt: boolean,
  ): Promise<Ending> {
    const record = await this.consumer.readStatus();
    this.checkpoint = record.checkpoint;
    this.lastEventAt = record.lastEventAt;
    if (record.state === 'halted' && !retryPersistedHalt) {
      this.markHalted(record.error ?? 'halted', record.errorPosition);
      return 'halted';
    }
    let from = record.checkpoint;
    this.state = 'catching-up';
    for (;;) {
      await yieldToEventLoop();
      if (signal.aborted) return 'stopped';
      const page = await this.store.readAll(from, this.batchSize, {
        streamPrefixes: this.consumer.streamPrefixes,
      });
      if (page.length === 0) break;
      const ending = await this.commit(page, from, handle);
      if (ending) return ending;
      from = this.checkpoint!;
      if (page.length < this.batchSize) break;
    }
    this.state = 'running';
    this.error = null;
    return followLiveInBatches({
      store: this.store,
      name: this.name,
      streamPrefixes: this.consumer.streamPrefixes,
      batchSize: this.batchSize,
      logger: this.logger,
      from,
      signal,
      commit: async (events, after) =>
        (await this.commit(events, after, handle)) ?? this.checkpoint!,
    });
  }

  /** Commits one batch; undefined when it was applied, else why following must end. */
  private async commit(
    events: readonly RecordedEvent[],
    from: bigint,
    handle: LeaseHandle,
  ): Promise<Exclude<Ending, 'stopped'> | undefined> {
    const outcome = await this.consumer.apply(events, from, handle);
    switch (outcome.kind) {
      case 'applied':
        this.checkpoint = outcome.checkpoint;
        this.lastEventAt = outcome.lastEventAt ?? this.lastEventAt;
        return undefined;
      case 'halted':
        this.checkpoint = outcome.checkpoint;
        this.lastEventAt = outcome.lastEventAt ?? this.lastEventAt;
        this.markHalted(outcome.error, outcome.position);
        this.logger.error(`${this.name}: halted at position ${outcome.position}: ${outcome.error}`);
        return 'halted';
      case 'moved':
        this.logger.log(`${this.name}: checkpoint moved to ${outcome.checkpoint}, resuming there`);
        return 'moved';
      case 'lease-lost':
        return 'lost';
    }
  }

  private markHalted(error: string, position: bigint | null): void {
    this.state = 'halted';
    this.error = error;
    this.haltedAt = position;
  }

  /** A halted follower waits until its status row changes (a rebuild swapped in), or it stops. */
  private async waitWhileHalted(signal: AbortSignal): Promise<void> {
    const halted = await this.consumer.readStatus();
    while (!signal.aborted) {
      await sleep(this.options.haltPollMs ?? 2_000, signal);
      if (signal.aborted) return;
      const now = await this.consumer.readStatus().catch(() => halted);
      if (now.state !== 'halted' || now.checkpoint !== halted.checkpoint) {
        this.haltedAt = null;
        return;
      }
    }
  }
}

import type { RecordedEvent } from '@engine/event-store';
import type { CheckpointRecord, LeaseHandle } from '../storage/projection-store.port';

/** What a follower does with the events of the feed: a projection, or a reactor. */
export interface FeedConsumer {
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  readStatus(): Promise<CheckpointRecord>;
  /**
   * Handles a batch that follows `expected` and moves the checkpoint past it, atomically with
   * its effects when they live in the read store. Throws on a transient failure (retried).
   */
  apply(
    events: readonly RecordedEvent[],
    expected: bigint,
    lease: LeaseHandle,
  ): Promise<ConsumerOutcome>;
}

export type ConsumerOutcome =
  | { readonly kind: 'applied'; readonly checkpoint: bigint; readonly lastEventAt: string | null }
  | {
      readonly kind: 'halted';
      readonly checkpoint: bigint;
      readonly lastEventAt: string | null;
      readonly position: bigint;
      readonly error: string;
    }
  | { readonly kind: 'moved'; readonly checkpoint: bigint }
  | { readonly kind: 'lease-lost' };

/**
 * `standby`: another runner holds the lease; `catching-up`: reading the history in batches;
 * `running`: live, following new events as they are appended; `halted`: stopped on an event it
 * cannot apply (see `error`, `haltedAt`); `retrying`: after a transient failure, with backoff.
 */
export type FollowerState =
  'starting' | 'standby' | 'catching-up' | 'running' | 'retrying' | 'halted' | 'stopped';

export interface FollowerStatus {
  readonly name: string;
  readonly state: FollowerState;
  /** The last position applied, as a decimal string; null until known. */
  readonly checkpoint: string | null;
  /** `occurredAt` of the last event applied. */
  readonly lastEventAt: string | null;
  readonly error: string | null;
  /** The position of the event the follower halted on. */
  readonly haltedAt: string | null;
}

export interface FollowerLag {
  /** Events under the follower's prefixes after its checkpoint (at most `eventsBehindCap`). */
  readonly eventsBehind: number;
  readonly eventsBehindCapped: boolean;
  /** Seconds since the last applied event's `occurredAt`; null before any. */
  readonly secondsSinceLastEvent: number | null;
  /** Age of the oldest event not applied yet (its `occurredAt`); 0 when caught up. */
  readonly secondsBehind: number;
}

export interface FollowerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, trace?: string): void;
}

export interface FollowerOptions {
  /** Events per transaction. Default 500. */
  readonly batchSize?: number;
  /** Ceiling of the backoff after failures. Default 10 s. */
  readonly maxBackoffMs?: number;
  /** How often a halted follower looks whether its status row changed (a rebuild). Default 2 s. */
  readonly haltPollMs?: number;
  readonly logger?: FollowerLogger;
}

export const silentLogger: FollowerLogger = {
  log: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

import type { Actor } from '@engine/domain';

/**
 * The event store port: the engine's only source of truth. Every adapter (SQLite, PostgreSQL,
 * EventStoreDB) passes the same contract suite (`event-store.contract.ts`).
 */

/** JSON-serialisable metadata every event carries. Extra keys are kept as given. */
export interface EventMetadata {
  /** RFC 3339 UTC instant of the decision (the command's `now`), not of the write. */
  readonly occurredAt: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly [key: string]: unknown;
}

export interface NewEvent {
  /** A UUID, unique across the store; appending it again to its stream is a no-op (idempotency). */
  readonly id: string;
  readonly type: string;
  /** JSON-serialisable. */
  readonly data: unknown;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent extends NewEvent {
  readonly streamId: string;
  /** 1-based position in its stream: the first event of a stream has version 1. */
  readonly version: bigint;
  /** Global position: strictly increasing in the order the feed (readAll, subscribe) delivers. */
  readonly position: bigint;
}

/**
 * What the writer believes the stream's current version is:
 * - `'no-stream'`: the stream has no events yet (`0n` means exactly the same: version 0 = no events);
 * - `'any'`: no check;
 * - a bigint n >= 1: the stream's current version (its last event's version) is n.
 */
export type ExpectedVersion = 'no-stream' | 'any' | bigint;

export interface AppendResult {
  /**
   * The stream's version after the append (the version of the batch's last event). For a batch that
   * was already recorded (idempotent replay), the version of its last event as recorded then, even if
   * the stream has moved on since.
   */
  readonly nextVersion: bigint;
  /** Global positions of the batch's events, in batch order. */
  readonly positions: readonly bigint[];
  /** Set when the whole batch was already recorded (an idempotent replay): nothing was written. */
  readonly replayed?: true;
}

export interface ReadStreamOptions {
  /** Inclusive; defaults to 1n (the whole stream). */
  readonly fromVersion?: bigint;
}

export interface ReadAllOptions {
  /** Only events whose stream id starts with one of these (case-sensitive). */
  readonly streamPrefixes?: readonly string[];
}

export interface SubscriptionErrorContext {
  /** The event whose handler threw, when the handler failed. */
  readonly event?: RecordedEvent;
  /**
   * true: reading the feed failed and the subscription retries with capped backoff from where it
   * was. false: the handler threw; the subscription has stopped without acknowledging `event`.
   */
  readonly willRetry: boolean;
}

export interface SubscribeOptions extends ReadAllOptions {
  /** Defaults to logging with console.error. */
  readonly onError?: (error: unknown, context: SubscriptionErrorContext) => void;
}

export interface Subscription {
  /**
   * Stops delivering; resolves once the handler in flight (if any) has returned. Do not await it
   * from inside the handler (the subscription waits for that very handler).
   */
  stop(): Promise<void>;
}

export type EventHandler = (event: RecordedEvent) => Promise<void>;

export interface EventStore {
  /**
   * Appends the batch atomically after checking `expected`. Idempotent by event id: when every event
   * of the batch is already recorded in this stream with the same type and data, nothing is written
   * and the original result is returned, whatever `expected` says. When only some are, or an id is
   * recorded in another stream or with other content, it throws EventIdConflictError.
   * @throws WrongExpectedVersionError, EventIdConflictError, StoreUnavailableError
   */
  append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult>;

  /** The stream's events in version order; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /**
   * Up to `limit` events with position > `from` (exclusive; 0n = from the start) in feed order. Page
   * by passing the last returned event's position. An event that is not returned yet never appears
   * later at a position lower than one already returned.
   */
  readAll(from: bigint, limit: number, options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /**
   * Delivers every event with position > `from`: first the history (catch-up), then new events as
   * they are appended (live); strictly in feed order, each once, awaiting the handler before the next.
   */
  subscribe(from: bigint, handler: EventHandler, options?: SubscribeOptions): Subscription;

  /** Resolves when the store answers. @throws StoreUnavailableError */
  ping(): Promise<void>;

  /** Stops every subscription and releases connections. */
  close(): Promise<void>;
}

import { type Command, type Decider, type DomainEvent, fold } from '@engine/domain';
import { deriveEventId } from './command-event-id';
import {
  EventIdConflictError,
  EventStoreError,
  WrongExpectedVersionError,
} from './event-store.errors';
import type { AppendResult, EventStore, NewEvent, RecordedEvent } from './event-store.port';
import { commandObserverOf, failedOutcome } from './command-observer';
import { eventIdFingerprint, type StreamStateCache } from './stream-state-cache';

export interface HandleCommandOptions {
  /** Idempotency key: the same command id on the same stream never appends twice. */
  readonly commandId: string;
  /** The version the caller saw (If-Match); a stream at another version is refused at once. */
  readonly expectedVersion?: bigint;
  /** Default: the command id. */
  readonly correlationId?: string;
  /** What caused the command (an event id for a reactor or timer). Default: the command id. */
  readonly causationId?: string;
  /** Re-reads and re-decides after a concurrent write at most this many times. Default 5. */
  readonly maxRetries?: number;
}

/** What `handleCommand` can be given besides the command's own options. */
export interface HandleCommandSettings<State> extends HandleCommandOptions {
  /**
   * Folded states of recently used streams (one cache per decider): the command reads only the
   * events after the cached version. Without it, every command reads its whole stream.
   */
  readonly stateCache?: StreamStateCache<State>;
}

export interface CommandResult<State> {
  /** The state after this command (for a command handled before: the stream's current state). */
  readonly state: State;
  /** The stream's version that goes with `state`. */
  readonly version: bigint;
  /** What this command appended; on a retried command id, what it appended the first time. */
  readonly events: readonly RecordedEvent[];
  /** True when the command id had run before (nothing was appended now). */
  readonly replayed?: boolean;
}

/** Other writers kept winning the race for the stream; the command may be retried later (409). */
export class ConcurrencyConflictError extends EventStoreError {
  readonly code = 'concurrency-conflict';

  constructor(
    readonly streamId: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`stream ${streamId}: still written concurrently after ${attempts} attempts`, options);
    this.name = 'ConcurrencyConflictError';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The events a command (known by its derived event ids) already appended to this history. */
function appendedBy(
  history: readonly RecordedEvent[],
  eventId: (index: number) => string,
): RecordedEvent[] {
  const byId = new Map(history.map((event) => [event.id, event]));
  const found: RecordedEvent[] = [];
  for (let event = byId.get(eventId(0)); event; event = byId.get(eventId(found.length)))
    found.push(event);
  return found;
}

/**
 * The one command path: read the stream, fold, decide, append at the version read. A concurrent
 * write makes the append fail; the command is then decided again on the new state (bounded, with
 * jittered backoff). A DomainError from `decide` propagates as is. The store's command observer,
 * if any (metrics), hears how it ended. With a `stateCache`, a command without an expected version
 * is first decided on the cached state and appended at the cached version without reading at all
 * (`appendOnCachedState`); otherwise, or when that cannot be trusted, "read the stream" is "read
 * the events after the cached state"; a failed append drops the stream's entry, so the retry reads
 * the whole stream.
 */
export async function handleCommand<C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  options: HandleCommandSettings<S>,
): Promise<CommandResult<S>> {
  const observer = commandObserverOf(store);
  if (!observer) return decideAndAppend(store, streamId, decider, command, options);
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await decideAndAppend(store, streamId, decider, command, options);
    const appended = result.replayed ? [] : result.events;
    observer({
      commandType: command.type,
      outcome: 'accepted',
      durationSeconds: seconds(),
      appended,
    });
    return result;
  } catch (error) {
    observer({
      commandType: command.type,
      ...failedOutcome(error),
      durationSeconds: seconds(),
      appended: [],
    });
    throw error;
  }
}

/** The stream's state and version as of now, and whether the command id ran before on it. */
interface ReadStream<S> {
  readonly state: S;
  readonly version: bigint;
  readonly handledBefore: readonly RecordedEvent[];
  /** Fingerprints of every event id of the stream, when it came through the cache. */
  readonly eventIds?: Set<number>;
}

async function readWhole<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, E, S>,
  eventId: (index: number) => string,
): Promise<ReadStream<S>> {
  const history = await store.readStream(streamId);
  return {
    version: history.at(-1)?.version ?? 0n,
    state: fold(
      decider,
      history.map((event) => ({ type: event.type, data: event.data }) as E),
    ),
    handledBefore: appendedBy(history, eventId),
    eventIds: new Set(history.map((event) => eventIdFingerprint(event.id))),
  };
}

/**
 * Through the cache: the events after the cached version only. The command id's first derived
 * event id decides: certainly absent (no fingerprint), or possibly there, and then the whole
 * stream is read and compared exactly, as without a cache.
 */
async function readThroughCache<E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<Command, E, S>,
  eventId: (index: number) => string,
  cache: StreamStateCache<S>,
): Promise<ReadStream<S>> {
  const cached = cache.get(streamId);
  if (!cached) return readWhole(store, streamId, decider, eventId);
  const tail = await store.readStream(streamId, { fromVersion: cached.version + 1n });
  if (tail.length > 0 && tail[0].version !== cached.version + 1n) {
    cache.delete(streamId);
    return readWhole(store, streamId, decider, eventId);
  }
  // The entry's set grows in place (see StreamStateEntry.eventIds).
  const { eventIds } = cached;
  for (const event of tail) eventIds.add(eventIdFingerprint(event.id));
  if (eventIds.has(eventIdFingerprint(eventId(0))))
    return readWhole(store, streamId, decider, eventId);
  return {
    version: tail.at(-1)?.version ?? cached.version,
    state: tail.reduce(
      (state, event) => decider.evolve(state, { type: event.type, data: event.data } as E),
      cached.state,
    ),
    handledBefore: [],
    eventIds,
  };
}

async function decideAndAppend<C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  options: HandleCommandSettings<S>,
): Promise<CommandResult<S>> {
  const maxRetries = options.maxRetries ?? 5;
  const cache = options.stateCache;
  const eventId = (index: number) => deriveEventId(streamId, options.commandId, index);
  const reader = decider as unknown as Decider<Command, E, S>;
  const newEvents = (decided: readonly E[]): NewEvent[] => {
    const metadata = {
      occurredAt: command.meta.now,
      actor: command.meta.actor,
      correlationId: options.correlationId ?? options.commandId,
      causationId: options.causationId ?? options.commandId,
      commandId: options.commandId,
      commandType: command.type,
    };
    return decided.map((event, index) => ({
      id: eventId(index),
      type: event.type,
      data: event.data,
      metadata,
    }));
  };
  if (cache && options.expectedVersion === undefined) {
    const appended = await appendOnCachedState(
      store,
      streamId,
      decider,
      command,
      cache,
      eventId,
      newEvents,
    );
    if (appended) return appended;
  }
  for (let attempt = 0; ; attempt += 1) {
    const read = cache
      ? await readThroughCache(store, streamId, reader, eventId, cache)
      : await readWhole(store, streamId, reader, eventId);
    const { state, version, handledBefore } = read;
    if (cache && read.eventIds) cache.set(streamId, { version, state, eventIds: read.eventIds });
    if (handledBefore.length > 0)
      return { state, version, events: [...handledBefore], replayed: true };
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      throw new WrongExpectedVersionError(streamId, options.expectedVersion, version);
    }
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { state, version, events: [] };
    const batch = newEvents(decided);
    try {
      const appended = await store.append(streamId, batch, version === 0n ? 'no-stream' : version);
      return answerOf(streamId, decider, decided, batch, appended, read, cache);
    } catch (error) {
      cache?.delete(streamId);
      if (!(error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError))
        throw error;
      if (attempt >= maxRetries)
        throw new ConcurrencyConflictError(streamId, attempt + 1, { cause: error });
      const ceiling = 5 * 2 ** attempt;
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}

/**
 * The fast path of a warm cache, without reading the stream first: decide on the cached state and
 * append at the cached version. The append's expected-version check makes that exact: it succeeds
 * only if the stream is still at that version, so the decision was taken on the current state.
 * Undefined sends the command down the reading path, which then decides on what the store holds:
 * when the cached state may be behind (the append met a newer version, or the decision was a
 * refusal or nothing to do, either of which a newer state could change), when the command id may
 * have run before (its first event id's fingerprint is in the entry), or when the store says the
 * batch was already recorded (another process ran this command id: the replay's answer is read
 * from the stream). Not taken with an expected version (If-Match), which is checked against the
 * stream as read.
 */
async function appendOnCachedState<C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  cache: StreamStateCache<S>,
  eventId: (index: number) => string,
  newEvents: (decided: readonly E[]) => NewEvent[],
): Promise<CommandResult<S> | undefined> {
  const cached = cache.get(streamId);
  if (!cached || cached.version === 0n) return undefined;
  if (cached.eventIds.has(eventIdFingerprint(eventId(0)))) return undefined;
  let decided: readonly E[];
  try {
    decided = decider.decide(command, cached.state);
  } catch {
    return undefined;
  }
  if (decided.length === 0) return undefined;
  const batch = newEvents(decided);
  let appended: AppendResult;
  try {
    appended = await store.append(streamId, batch, cached.version);
  } catch (error) {
    cache.delete(streamId);
    if (error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError)
      return undefined;
    throw error;
  }
  if (appended.replayed) {
    cache.delete(streamId);
    return undefined;
  }
  return answerOf(streamId, decider, decided, batch, appended, cached, cache);
}

/**
 * A command's answer once its batch is appended on `before` (the state, version and event id
 * fingerprints it was decided on): the recorded events and the new state, which the cache keeps
 * when the batch came right after that version.
 */
function answerOf<C extends Command, E extends DomainEvent, S>(
  streamId: string,
  decider: Decider<C, E, S>,
  decided: readonly E[],
  batch: readonly NewEvent[],
  { nextVersion, positions }: AppendResult,
  before: { readonly state: S; readonly version: bigint; readonly eventIds?: Set<number> },
  cache: StreamStateCache<S> | undefined,
): CommandResult<S> {
  const first = nextVersion - BigInt(batch.length) + 1n;
  const events = batch.map((event, index) => ({
    ...event,
    streamId,
    version: first + BigInt(index),
    position: positions[index],
  }));
  const state = decided.reduce(decider.evolve, before.state);
  if (cache && before.eventIds && first === before.version + 1n) {
    // Shared with the entry it was decided on, which it replaces (StreamStateEntry.eventIds).
    const { eventIds } = before;
    for (const event of batch) eventIds.add(eventIdFingerprint(event.id));
    cache.set(streamId, { version: nextVersion, state, eventIds });
  }
  return { state, version: nextVersion, events };
}

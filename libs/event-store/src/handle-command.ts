import { type Command, type Decider, type DomainEvent, fold } from '@engine/domain';
import { deriveEventId } from './command-event-id';
import {
  EventIdConflictError,
  EventStoreError,
  WrongExpectedVersionError,
} from './event-store.errors';
import type { EventStore, NewEvent, RecordedEvent } from './event-store.port';

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

export interface CommandResult<State> {
  /** The state after this command (for a command handled before: the stream's current state). */
  readonly state: State;
  /** The stream's version that goes with `state`. */
  readonly version: bigint;
  /** What this command appended; on a retried command id, what it appended the first time. */
  readonly events: readonly RecordedEvent[];
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
 * jittered backoff). A DomainError from `decide` propagates as is.
 */
export async function handleCommand<C extends Command, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C,
  options: HandleCommandOptions,
): Promise<CommandResult<S>> {
  const maxRetries = options.maxRetries ?? 5;
  const eventId = (index: number) => deriveEventId(streamId, options.commandId, index);
  for (let attempt = 0; ; attempt += 1) {
    const history = await store.readStream(streamId);
    const version = history.at(-1)?.version ?? 0n;
    const state = fold(
      decider,
      history.map((event) => ({ type: event.type, data: event.data }) as E),
    );
    const handledBefore = appendedBy(history, eventId);
    if (handledBefore.length > 0) return { state, version, events: handledBefore };
    if (options.expectedVersion !== undefined && options.expectedVersion !== version) {
      throw new WrongExpectedVersionError(streamId, options.expectedVersion, version);
    }
    const decided = decider.decide(command, state);
    if (decided.length === 0) return { state, version, events: [] };
    const metadata = {
      occurredAt: command.meta.now,
      actor: command.meta.actor,
      correlationId: options.correlationId ?? options.commandId,
      causationId: options.causationId ?? options.commandId,
      commandId: options.commandId,
      commandType: command.type,
    };
    const batch: NewEvent[] = decided.map((event, index) => ({
      id: eventId(index),
      type: event.type,
      data: event.data,
      metadata,
    }));
    try {
      const { nextVersion, positions } = await store.append(
        streamId,
        batch,
        version === 0n ? 'no-stream' : version,
      );
      const first = nextVersion - BigInt(batch.length) + 1n;
      const events = batch.map((event, index) => ({
        ...event,
        streamId,
        version: first + BigInt(index),
        position: positions[index],
      }));
      return { state: decided.reduce(decider.evolve, state), version: nextVersion, events };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError || error instanceof EventIdConflictError))
        throw error;
      if (attempt >= maxRetries)
        throw new ConcurrencyConflictError(streamId, attempt + 1, { cause: error });
      const ceiling = 5 * 2 ** attempt;
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
}

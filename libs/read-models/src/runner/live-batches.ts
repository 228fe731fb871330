import type { EventStore, RecordedEvent } from '@engine/event-store';
import type { FollowerLogger } from './feed-follower.model';

/** Why following ended: a rival or a rebuild moved the checkpoint, a halt, a lost lease, a stop. */
export type Ending = 'moved' | 'halted' | 'lost' | 'stopped';

export interface LiveBatchesOptions {
  readonly store: EventStore;
  readonly name: string;
  readonly streamPrefixes: readonly string[];
  readonly batchSize: number;
  readonly logger: FollowerLogger;
  /** The checkpoint to follow from. */
  readonly from: bigint;
  readonly signal: AbortSignal;
  /** Commits a batch that follows `after`: the new checkpoint, or why following must end. */
  readonly commit: (
    events: readonly RecordedEvent[],
    after: bigint,
  ) => Promise<bigint | Exclude<Ending, 'stopped'>>;
}

/**
 * Live following: the subscription hands events over one by one; they are committed in batches,
 * when a batch is full (the handler waits for it: backpressure) or when the feed pauses (the
 * next turn of the event loop). Commits never overlap. Resolves with why it ended, or rejects with
 * a failure (the caller resumes from the stored checkpoint); uncommitted events are dropped.
 */
export function followLiveInBatches(options: LiveBatchesOptions): Promise<Ending> {
  const { store, name, batchSize, logger, signal, commit } = options;
  return new Promise<Ending>((resolve, reject) => {
    let buffer: RecordedEvent[] = [];
    let cursor = options.from;
    let flushing: Promise<void> = Promise.resolve();
    let ended = false;
    let idle: NodeJS.Immediate | null = null;
    const end = (ending: Ending | { error: unknown }) => {
      if (ended) return;
      ended = true;
      if (idle) clearImmediate(idle);
      signal.removeEventListener('abort', onAbort);
      // Not awaited here: end() may run inside the handler, which stop() waits for.
      void subscription
        .stop()
        .then(() => flushing)
        .then(() => (typeof ending === 'string' ? resolve(ending) : reject(ending.error)));
    };
    const flush = (): Promise<void> => {
      flushing = flushing
        .then(async () => {
          if (ended || buffer.length === 0) return;
          const events = buffer;
          buffer = [];
          const next = await commit(events, cursor);
          if (typeof next === 'bigint') cursor = next;
          else end(next);
        })
        .catch((error: unknown) => end({ error }));
      return flushing;
    };
    const subscription = store.subscribe(
      options.from,
      async (event) => {
        if (ended) throw new Error(`${name}: follower ended`);
        buffer.push(event);
        if (buffer.length >= batchSize) await flush();
        else
          idle ??= setImmediate(() => {
            idle = null;
            void flush();
          });
      },
      {
        streamPrefixes: options.streamPrefixes,
        onError: (error, context) => {
          if (context.willRetry) logger.warn(`${name}: feed read failed, retrying`);
          else end({ error });
        },
      },
    );
    const onAbort = () => end('stopped');
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

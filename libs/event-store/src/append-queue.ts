import type { AppendResult, ExpectedVersion, NewEvent } from './event-store.port';

/**
 * The items of one event loop turn, handed to `write` together at its end (setImmediate): how
 * concurrent requests share a statement or a commit (the event store adapters' appends, the
 * idempotency store's claims and answers). `write` settles whatever the items promise. With
 * `maxGroup`, a group is handed over as soon as it holds that many items, without waiting for the
 * turn to end: for a writer that works beside the event loop, so that it commits the first items
 * of a busy turn while the loop still decides the rest.
 */
export class TurnQueue<T> {
  private queued: T[] = [];
  private scheduled = false;

  constructor(
    private readonly write: (items: T[]) => void,
    private readonly maxGroup = Infinity,
  ) {}

  push(item: T): void {
    this.queued.push(item);
    if (this.queued.length >= this.maxGroup) {
      this.handOver();
      return;
    }
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Hands what is queued to `write` now (a closing adapter does not wait for the turn's end). */
  flush(): void {
    this.scheduled = false;
    this.handOver();
  }

  private handOver(): void {
    const items = this.queued;
    this.queued = [];
    if (items.length > 0) this.write(items);
  }
}

/** An append waiting for the end of its event loop turn, with its promise to settle. */
export interface QueuedAppend {
  readonly streamId: string;
  readonly batch: readonly NewEvent[];
  readonly expected: ExpectedVersion;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** The appends of one turn (a TurnQueue of them): how the SQLite and PostgreSQL adapters group. */
export class AppendQueue {
  private readonly turn: TurnQueue<QueuedAppend>;

  constructor(write: (appends: QueuedAppend[]) => void, maxGroup = Infinity) {
    this.turn = new TurnQueue(write, maxGroup);
  }

  add(streamId: string, batch: readonly NewEvent[], expected: ExpectedVersion) {
    return new Promise<AppendResult>((resolve, reject) => {
      this.turn.push({ streamId, batch, expected, resolve, reject });
    });
  }

  /** Hands what is queued to `write` now (a closing adapter does not wait for the turn's end). */
  flush(): void {
    this.turn.flush();
  }
}

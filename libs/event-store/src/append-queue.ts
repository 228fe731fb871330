import type { AppendResult, ExpectedVersion, NewEvent } from './event-store.port';

/** An append waiting for the end of its event loop turn, with its promise to settle. */
export interface QueuedAppend {
  readonly streamId: string;
  readonly batch: readonly NewEvent[];
  readonly expected: ExpectedVersion;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The appends of one event loop turn, handed to `write` together at its end (setImmediate): how
 * the SQLite and PostgreSQL adapters let concurrent commands share a commit. `write` settles each
 * append's promise. With `maxGroup`, a group is handed over as soon as it holds that many appends,
 * without waiting for the turn to end: for a writer that works beside the event loop, so that it
 * commits the first appends of a busy turn while the loop still decides the rest.
 */
export class AppendQueue {
  private queued: QueuedAppend[] = [];
  private scheduled = false;

  constructor(
    private readonly write: (appends: QueuedAppend[]) => void,
    private readonly maxGroup = Infinity,
  ) {}

  add(streamId: string, batch: readonly NewEvent[], expected: ExpectedVersion) {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queued.push({ streamId, batch, expected, resolve, reject });
      if (this.queued.length >= this.maxGroup) {
        this.handOver();
        return;
      }
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Hands what is queued to `write` now (a closing adapter does not wait for the turn's end). */
  flush(): void {
    this.scheduled = false;
    this.handOver();
  }

  private handOver(): void {
    const appends = this.queued;
    this.queued = [];
    if (appends.length > 0) this.write(appends);
  }
}

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
 * append's promise.
 */
export class AppendQueue {
  private queued: QueuedAppend[] = [];
  private scheduled = false;

  constructor(private readonly write: (appends: QueuedAppend[]) => void) {}

  add(streamId: string, batch: readonly NewEvent[], expected: ExpectedVersion) {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queued.push({ streamId, batch, expected, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      setImmediate(() => this.flush());
    });
  }

  /** Hands what is queued to `write` now (a closing adapter does not wait for the turn's end). */
  flush(): void {
    this.scheduled = false;
    const appends = this.queued;
    this.queued = [];
    if (appends.length > 0) this.write(appends);
  }
}

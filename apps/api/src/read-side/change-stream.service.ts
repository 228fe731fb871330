import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { EventStore } from '@engine/event-store';
import { EVENT_STORE, SQL_DATABASE, type SqlDatabase } from '@engine/platform';
import {
  ChangeTail,
  changeHubFor,
  projectedCheckpoint,
  replayChanges,
  type ProjectionChange,
  type TenantScope,
} from '@engine/read-models';

export const HEARTBEAT_MS = 15_000;

/** Where a stream writes its frames; `write` answers false when the socket's buffer is full. */
export interface StreamSink {
  write(frame: string): boolean;
  drained(): Promise<void>;
  readonly closed: Promise<void>;
}

/** One SSE frame: `id` is the event's global position, `event` its type. */
export const changeFrame = (change: ProjectionChange): string =>
  `id: ${change.position}\nevent: ${change.type}\ndata: ${JSON.stringify(change)}\n\n`;

/**
 * `GET /stream`: every projected change, live from the in-process hub (the incidents runner
 * publishes after each committed batch; without a runner in this process a ChangeTail follows the
 * projection's checkpoint instead). With `Last-Event-ID` it first replays what was projected after
 * that position. Positions only go up on a connection: a change at or below the last one sent is
 * dropped, so the replay and the live feed can overlap without duplicates.
 */
@Injectable()
export class ChangeStreamService implements OnModuleInit, OnModuleDestroy {
  private readonly tail: ChangeTail;
  /** Ends every open stream: an SSE response never ends by itself and would hold shutdown up. */
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly database: SqlDatabase,
  ) {
    this.tail = new ChangeTail(store, database.db, changeHubFor(database));
  }

  onModuleInit(): void {
    this.tail.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.shutdown.abort();
    await this.tail.stop();
  }

  /** Streams until the sink closes. */
  async stream(sink: StreamSink, scope: TenantScope, lastEventId: bigint | null): Promise<void> {
    let lastSent = lastEventId ?? -1n;
    let replaying = lastEventId !== null;
    const held: ProjectionChange[] = [];
    let open = true;
    const ended = Promise.race([
      sink.closed,
      new Promise<void>((resolve) =>
        this.shutdown.signal.aborted
          ? resolve()
          : this.shutdown.signal.addEventListener('abort', () => resolve(), { once: true }),
      ),
    ]);
    void ended.then(() => (open = false));
    const send = async (changes: readonly ProjectionChange[]) => {
      for (const change of changes) {
        const position = BigInt(change.position);
        if (position <= lastSent) continue;
        lastSent = position;
        if (scope.customerId !== undefined && change.customerId !== scope.customerId) continue;
        if (!sink.write(changeFrame(change))) await sink.drained();
      }
    };
    // One write at a time: a slow client's backpressure must not reorder frames.
    let sending: Promise<void> = Promise.resolve();
    const enqueue = (changes: readonly ProjectionChange[]) =>
      (sending = sending.then(() => send(changes)).catch(() => undefined));
    const unsubscribe = changeHubFor(this.database).subscribe((changes) => {
      if (replaying) held.push(...changes);
      else void enqueue(changes);
    });
    const heartbeat = setInterval(() => sink.write(': heartbeat\n\n'), HEARTBEAT_MS);
    try {
      sink.write(': connected\n\n');
      if (lastEventId !== null) {
        const until = await projectedCheckpoint(this.database.db);
        for await (const page of replayChanges(this.store, this.database.db, lastEventId, until)) {
          if (!open) break;
          await send(page);
        }
        replaying = false;
        await enqueue(held.splice(0));
      }
      await ended;
    } finally {
      clearInterval(heartbeat);
      unsubscribe();
    }
  }
}

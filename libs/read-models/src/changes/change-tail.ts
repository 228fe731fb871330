import type { Kysely } from 'kysely';
import type { EventStore } from '@engine/event-store';
import { sleep } from '../runner/sleep';
import { projectedCheckpoint, replayChanges } from './change-replay';
import type { ProjectionChangeHub } from './projection-change.hub';

/**
 * For an API running apart from the worker: watches the incidents projection's checkpoint and
 * publishes what it newly covers, so `/stream` works without a runner in this process. Idle while
 * a runner of this process publishes itself.
 */
export class ChangeTail {
  private readonly stopping = new AbortController();
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: EventStore,
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read store's untyped handle
    private readonly db: Kysely<any>,
    private readonly hub: ProjectionChangeHub,
    private readonly pollMs = 500,
  ) {}

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
  }

  private async loop(): Promise<void> {
    let last: bigint | null = null;
    while (!this.stopping.signal.aborted) {
      try {
        if (this.hub.hasLocalPublisher()) last = null;
        else {
          const current = await projectedCheckpoint(this.db);
          if (last !== null && current > last)
            for await (const changes of replayChanges(this.store, this.db, last, current))
              this.hub.publish(changes);
          last = current;
        }
      } catch {
        // The read store or the feed is briefly unavailable: the next poll catches up.
      }
      await sleep(this.pollMs, this.stopping.signal);
    }
  }
}

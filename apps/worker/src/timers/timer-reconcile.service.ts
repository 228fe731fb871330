import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@engine/event-store';
import {
  EVENT_STORE,
  isRedisOffline,
  QueueUnavailableError,
  SQL_DATABASE,
  type SqlDatabase,
} from '@engine/platform';
import {
  openIncidentStates,
  reconcileTimers,
  TimerQueue,
  type ReconcileCounts,
} from '@engine/timers';

/** Re-derives every open incident's pending timers and schedules what Redis lacks. */
@Injectable()
export class TimerReconcileService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly database: SqlDatabase,
    private readonly queue: TimerQueue,
  ) {}

  /** @throws QueueUnavailableError when Redis is not answering (503, at once). */
  async reconcile(): Promise<ReconcileCounts> {
    try {
      return await reconcileTimers(openIncidentStates(this.store, this.database), this.queue);
    } catch (error) {
      if (isRedisOffline(error) && !(error instanceof QueueUnavailableError))
        throw new QueueUnavailableError(undefined, { cause: error });
      throw error;
    }
  }
}

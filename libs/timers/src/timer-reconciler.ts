import { pendingTimers, type OpenedIncidentState } from '@engine/domain';
import { inParallel } from './incident-state.reader';
import type { TimerQueue } from './timer-queue';

export interface ReconcileCounts {
  /** Open incidents whose timers were re-derived. */
  readonly incidents: number;
  /** Timers whose job was missing and was added. */
  readonly scheduled: number;
  /** Timers whose job was there already. */
  readonly alreadyScheduled: number;
}

/**
 * Re-derives every pending timer of every open incident and schedules the ones Redis does not
 * have, so losing Redis loses no deadline (a deadline already past fires at once). Idempotent: a
 * second run finds everything already scheduled.
 */
export async function reconcileTimers(
  openIncidents: AsyncIterable<readonly OpenedIncidentState[]>,
  queue: TimerQueue,
): Promise<ReconcileCounts> {
  let incidents = 0;
  let scheduled = 0;
  let alreadyScheduled = 0;
  for await (const page of openIncidents) {
    await inParallel(page, 16, async (state) => {
      const result = await queue.ensure(state.incidentId, pendingTimers(state));
      incidents += 1;
      scheduled += result.scheduled;
      alreadyScheduled += result.alreadyScheduled;
    });
  }
  return { incidents, scheduled, alreadyScheduled };
}

import { randomUUID } from 'node:crypto';
import { pendingTimers } from '@engine/domain';
import type { EventStore, RecordedEvent } from '@engine/event-store';
import {
  FeedFollower,
  INCIDENT_STREAM_PREFIX,
  silentLogger,
  type FeedConsumer,
  type FollowerOptions,
  type LeaseOptions,
  type ProjectionStore,
} from '@engine/read-models';
import { inParallel, readIncidentState } from './incident-state.reader';
import type { TimerQueue } from './timer-queue';

/** The scheduler's name: its checkpoint row and its lease in the read store. */
export const TIMER_SCHEDULER = 'timer-scheduler';

export interface TimerSchedulerOptions extends FollowerOptions {
  readonly owner?: string;
  readonly lease?: LeaseOptions;
  /** Incidents of one batch synced at once. Default 16. */
  readonly concurrency?: number;
  /** Called after each committed batch (tests and the bench count what was scheduled). */
  readonly onBatch?: (info: {
    readonly incidents: number;
    readonly added: number;
    readonly removed: number;
  }) => void;
}

const incidentIdOf = (event: RecordedEvent): string | null =>
  event.streamId.startsWith(INCIDENT_STREAM_PREFIX)
    ? event.streamId.slice(INCIDENT_STREAM_PREFIX.length) || null
    : null;

/**
 * The incident feed -> the timer queue. For every incident a batch touches, the incident's stream
 * is folded to its current state and its pending timers (the domain's `pendingTimers`) become
 * exactly its scheduled jobs: new deadlines are added, moved or cancelled ones removed. Syncing to
 * the current state (not the event's) makes replays and duplicates harmless. At least once: the
 * checkpoint moves after the queue was updated.
 */
export function timerSchedulerConsumer(
  store: EventStore,
  projections: ProjectionStore,
  queue: TimerQueue,
  options: Pick<TimerSchedulerOptions, 'concurrency' | 'onBatch'> = {},
): FeedConsumer {
  return {
    name: TIMER_SCHEDULER,
    streamPrefixes: [INCIDENT_STREAM_PREFIX],
    readStatus: () => projections.readStatus(TIMER_SCHEDULER),
    async apply(events, expected, lease) {
      // Per incident, the correlation of its last event in the batch: what scheduled its timers.
      const correlations = new Map<string, string | undefined>();
      for (const event of events) {
        const incidentId = incidentIdOf(event);
        if (incidentId === null) continue;
        const correlationId = event.metadata.correlationId;
        correlations.set(incidentId, typeof correlationId === 'string' ? correlationId : undefined);
      }
      const incidents = [...correlations.keys()];
      let added = 0;
      let removed = 0;
      await inParallel(incidents, options.concurrency ?? 16, async (incidentId) => {
        if (!lease.isHeld()) return;
        const state = await readIncidentState(store, incidentId);
        const result = await queue.sync(
          incidentId,
          pendingTimers(state),
          Date.now(),
          correlations.get(incidentId),
        );
        added += result.added;
        removed += result.removed;
      });
      if (!lease.isHeld()) return { kind: 'lease-lost' };
      const last = events.at(-1)!;
      const lastEventAt =
        typeof last.metadata.occurredAt === 'string' ? last.metadata.occurredAt : null;
      if (
        !(await projections.advanceCheckpoint(
          TIMER_SCHEDULER,
          expected,
          last.position,
          lastEventAt,
        ))
      )
        return {
          kind: 'moved',
          checkpoint: (await projections.readStatus(TIMER_SCHEDULER)).checkpoint,
        };
      options.onBatch?.({ incidents: incidents.length, added, removed });
      return { kind: 'applied', checkpoint: last.position, lastEventAt };
    },
  };
}

/** The scheduler as a feed follower of its own: own checkpoint, own lease (one active at a time). */
export function createTimerScheduler(
  store: EventStore,
  projections: ProjectionStore,
  queue: TimerQueue,
  options: TimerSchedulerOptions = {},
): FeedFollower {
  const lease = projections.lease(TIMER_SCHEDULER, options.owner ?? randomUUID(), options.lease);
  return new FeedFollower(
    store,
    timerSchedulerConsumer(store, projections, queue, options),
    lease,
    { logger: silentLogger, ...options },
  );
}

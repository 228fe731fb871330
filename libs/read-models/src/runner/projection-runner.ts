import { randomUUID } from 'node:crypto';
import type { EventStore } from '@engine/event-store';
import type { Projection, ProjectionChange } from '../projection/projection.model';
import {
  liveTables,
  type BatchHooks,
  type LeaseOptions,
  type ProjectionStore,
} from '../storage/projection-store.port';
import { FeedFollower } from './feed-follower';
import type { FeedConsumer, FollowerOptions } from './feed-follower.model';

export interface ProjectionRunnerOptions extends FollowerOptions {
  /** Who holds the lease (logged, and kept in SQLite's lease row). Default: a random id. */
  readonly owner?: string;
  readonly lease?: LeaseOptions;
  /** Test seams inside each batch's transaction. */
  readonly hooks?: BatchHooks;
  /** Called after each committed batch with what it changed (the live stream's source). */
  readonly onChanges?: (changes: readonly ProjectionChange[]) => void;
}

/** A projection as a feed consumer: each batch is one read-store transaction, checkpoint included. */
export function projectionConsumer(
  projections: ProjectionStore,
  projection: Projection,
  options: Pick<ProjectionRunnerOptions, 'hooks' | 'onChanges'> & {
    readonly fence?: { readonly name: string; readonly owner: string };
  } = {},
): FeedConsumer {
  const publish = (changes: readonly ProjectionChange[]) => {
    if (changes.length > 0) options.onChanges?.(changes);
  };
  return {
    name: projection.name,
    streamPrefixes: projection.streamPrefixes,
    readStatus: () => projections.readStatus(projection.name),
    async apply(events, expected) {
      const outcome = await projections.applyBatch({
        projection,
        statusName: projection.name,
        tables: liveTables,
        events,
        expected,
        lease: options.fence,
        hooks: options.hooks,
      });
      switch (outcome.kind) {
        case 'applied':
          publish(outcome.plan.changes);
          return {
            kind: 'applied',
            checkpoint: outcome.checkpoint,
            lastEventAt: outcome.lastEventAt,
          };
        case 'halted':
          publish(outcome.plan.changes);
          return {
            kind: 'halted',
            checkpoint: outcome.checkpoint,
            lastEventAt: outcome.lastEventAt,
            position: outcome.failure.event.position,
            error: outcome.failure.message,
          };
        default:
          return outcome;
      }
    },
  };
}

/** The runner of one projection: a FeedFollower under the projection's lease. */
export function createProjectionRunner(
  store: EventStore,
  projections: ProjectionStore,
  projection: Projection,
  options: ProjectionRunnerOptions = {},
): FeedFollower {
  const lease = projections.lease(projection.name, options.owner ?? randomUUID(), options.lease);
  const consumer = projectionConsumer(projections, projection, {
    ...options,
    fence: { name: lease.name, owner: lease.owner },
  });
  return new FeedFollower(store, consumer, lease, options);
}

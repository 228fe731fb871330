import { randomUUID } from 'node:crypto';
import type { EventStore } from '@engine/event-store';
import type { Projection } from '../projection/projection.model';
import {
  rebuildLeaseName,
  rebuildStatusName,
  rebuildTables,
  type BatchHooks,
  type CheckpointRecord,
  type ProjectionStore,
} from '../storage/projection-store.port';
import { yieldToEventLoop } from './sleep';

export interface RebuildOptions {
  /** Events per transaction while replaying. Default 1,000. */
  readonly batchSize?: number;
  readonly hooks?: BatchHooks;
  /** Called once the rebuild holds its lease and has its fresh tables. */
  readonly onStarted?: (generation: number) => void;
  /** Called after each batch with the rebuild's generation and checkpoint. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  readonly signal?: AbortSignal;
}

export interface RebuildProgress {
  readonly projection: string;
  readonly generation: number;
  readonly checkpoint: bigint;
  readonly events: number;
}

/** Another rebuild of the same projection is running (409). */
export class RebuildInProgressError extends Error {
  readonly code = 'rebuild-in-progress';

  constructor(readonly projection: string) {
    super(`A rebuild of ${projection} is already running.`);
    this.name = 'RebuildInProgressError';
  }
}

/** The replay met an event the projection cannot apply; the live tables were left as they were. */
export class RebuildFailedError extends Error {
  readonly code = 'rebuild-failed';

  constructor(
    readonly projection: string,
    message: string,
  ) {
    super(`Rebuild of ${projection} failed: ${message}`);
    this.name = 'RebuildFailedError';
  }
}

/**
 * Replays the whole feed into fresh tables (`<table>__rebuild_<generation>`) while readers and the
 * live runner keep using the current ones, then swaps them in with one transaction that also moves
 * the projection's checkpoint to where the replay got; the live runner notices its checkpoint moved
 * and continues from there on the new tables. One rebuild per projection at a time (a lease).
 */
export async function rebuildProjection(
  store: EventStore,
  projections: ProjectionStore,
  projection: Projection,
  options: RebuildOptions = {},
): Promise<CheckpointRecord> {
  const batchSize = options.batchSize ?? 1_000;
  const lease = await projections
    .lease(rebuildLeaseName(projection.name), randomUUID(), { ttlMs: 60_000 })
    .tryAcquire();
  if (!lease) throw new RebuildInProgressError(projection.name);
  try {
    await projections.dropStaleTables(projection);
    const generation = await projections.prepareRebuild(projection);
    options.onStarted?.(generation);
    const tables = rebuildTables(generation);
    let checkpoint = 0n;
    let events = 0;
    for (;;) {
      await yieldToEventLoop();
      if (options.signal?.aborted) throw new RebuildFailedError(projection.name, 'aborted');
      if (!lease.isHeld()) throw new RebuildFailedError(projection.name, 'lease lost');
      const page = await store.readAll(checkpoint, batchSize, {
        streamPrefixes: projection.streamPrefixes,
      });
      if (page.length === 0) break;
      const outcome = await projections.applyBatch({
        projection,
        statusName: rebuildStatusName(projection.name),
        tables,
        events: page,
        expected: checkpoint,
        hooks: options.hooks,
      });
      if (outcome.kind === 'halted')
        throw new RebuildFailedError(projection.name, outcome.failure.message);
      if (outcome.kind !== 'applied')
        throw new RebuildFailedError(projection.name, `its checkpoint was moved (${outcome.kind})`);
      checkpoint = outcome.checkpoint;
      events += page.length;
      options.onProgress?.({ projection: projection.name, generation, checkpoint, events });
      if (page.length < batchSize) break;
    }
    return await projections.swapRebuild(projection, generation);
  } catch (error) {
    await projections.dropStaleTables(projection).catch(() => undefined);
    throw error;
  } finally {
    await lease.release();
  }
}

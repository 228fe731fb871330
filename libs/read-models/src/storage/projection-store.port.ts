import type { RecordedEvent } from '@engine/event-store';
import type { BatchPlan } from '../projection/batch-plan';
import type { Projection, ProjectionApplyError } from '../projection/projection.model';
import type { SqlDialect, TableSchema } from '../schema/table-schema';

/** A follower's row in `projection_status`. */
export interface CheckpointRecord {
  readonly name: string;
  /** The position of the last event applied (0 = none). */
  readonly checkpoint: bigint;
  readonly state: 'ok' | 'halted';
  readonly error: string | null;
  /** The position of the event the follower halted on. */
  readonly errorPosition: bigint | null;
  /** `occurredAt` of the last event applied. */
  readonly lastEventAt: string | null;
  /** How many rebuilds were swapped in (or started). */
  readonly generation: number;
}

/** Test seams, run inside the batch's transaction: a throw there rolls the whole batch back. */
export interface BatchHooks {
  /** After the rows were written, before the checkpoint moves. Must be synchronous. */
  afterRows?(info: {
    readonly projection: string;
    readonly events: readonly RecordedEvent[];
  }): void;
}

/** Which physical table holds a base table: itself when live, `<name>__rebuild_<n>` when rebuilding. */
export type TableNames = (table: TableSchema) => string;

export const liveTables: TableNames = (table) => table.name;
export const rebuildTables =
  (generation: number): TableNames =>
  (table) =>
    `${table.name}__rebuild_${generation}`;

export interface ApplyBatchRequest {
  readonly projection: Projection;
  /** The status row whose checkpoint moves with the batch (the projection's, or its rebuild's). */
  readonly statusName: string;
  readonly tables: TableNames;
  readonly events: readonly RecordedEvent[];
  /** The checkpoint the batch follows; a row at another checkpoint means someone else moved it. */
  readonly expected: bigint;
  /** SQLite: the lease that must still be ours when the batch commits. */
  readonly lease?: { readonly name: string; readonly owner: string };
  readonly hooks?: BatchHooks;
}

export type BatchOutcome =
  | {
      readonly kind: 'applied';
      readonly checkpoint: bigint;
      readonly lastEventAt: string | null;
      readonly plan: BatchPlan;
    }
  | {
      /** Applied up to the event before `failure.event`, and recorded the halt there. */
      readonly kind: 'halted';
      readonly checkpoint: bigint;
      readonly lastEventAt: string | null;
      readonly plan: BatchPlan;
      readonly failure: ProjectionApplyError;
    }
  | {
      /** Nothing written: the checkpoint is not where the caller thought (a rebuild swap, a rival). */
      readonly kind: 'moved';
      readonly checkpoint: bigint;
    }
  | {
      /** Nothing written: the lease is no longer ours. */
      readonly kind: 'lease-lost';
    };

/** One lease: at most one holder at a time per name across every process on the database. */
export interface LeaseHandle {
  /** Resolves when the lease is lost (the holder must stop writing). */
  readonly lost: Promise<void>;
  isHeld(): boolean;
  release(): Promise<void>;
}

export interface Lease {
  readonly name: string;
  readonly owner: string;
  /** One attempt: the lease, or null when someone else holds it. */
  tryAcquire(): Promise<LeaseHandle | null>;
  /**
   * Waits (standing by) until this owner holds the lease; null when `signal` aborts first. A lease
   * granted by a try still in flight when `signal` aborted is released, and null returned.
   */
  acquire(signal: AbortSignal): Promise<LeaseHandle | null>;
}

export interface LeaseOptions {
  /** SQLite: how long a lease lasts unless renewed. Default 15 s (renewed every third of it). */
  readonly ttlMs?: number;
  /** How often a standby tries to take the lease. Default 1 s. */
  readonly retryMs?: number;
}

/**
 * The read store's projection-side operations, per dialect. SQLite runs each batch as one
 * synchronous transaction on a connection of its own (see SqliteProjectionStore); PostgreSQL as a
 * Kysely transaction that locks the status row first.
 */
export interface ProjectionStore {
  readonly dialect: SqlDialect;
  /** The row, created at checkpoint 0 when missing. */
  readStatus(name: string): Promise<CheckpointRecord>;
  applyBatch(request: ApplyBatchRequest): Promise<BatchOutcome>;
  /** Moves a reactor's checkpoint if it is still `expected`; false when someone else moved it. */
  advanceCheckpoint(
    name: string,
    expected: bigint,
    to: bigint,
    lastEventAt: string | null,
  ): Promise<boolean>;
  /** Starts a rebuild: the next generation, fresh tables for it and a rebuild status row at 0. */
  prepareRebuild(projection: Projection): Promise<number>;
  /** In one transaction: the rebuild tables replace the live ones and the checkpoint moves along. */
  swapRebuild(projection: Projection, generation: number): Promise<CheckpointRecord>;
  /** Drops the projection's tables left by earlier rebuilds (swapped-out or abandoned). */
  dropStaleTables(projection: Projection): Promise<void>;
  lease(name: string, owner: string, options?: LeaseOptions): Lease;
  close(): Promise<void>;
}

export const rebuildStatusName = (projection: string): string => `${projection}@rebuild`;
export const rebuildLeaseName = (projection: string): string => `${projection}@rebuild`;

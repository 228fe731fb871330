import { sql, type Kysely } from 'kysely';
import { planBatch } from '../projection/batch-plan';
import type { Projection } from '../projection/projection.model';
import { PROJECTION_STATUS_TABLE } from '../schema/read-model.migrations';
import { createIndexStatements, createTable } from '../schema/table-schema';
import { afterBatch, staleTablesOf } from './checkpoint-record';
import { PostgresLeaseSession } from './postgres-lease';
import { loadRows, lockStatus, saveStatus, writeRows } from './postgres-rows';
import {
  rebuildStatusName,
  rebuildTables,
  type ApplyBatchRequest,
  type BatchOutcome,
  type CheckpointRecord,
  type Lease,
  type LeaseOptions,
  type ProjectionStore,
} from './projection-store.port';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter edge: tables of any shape
type Db = Kysely<any>;

/**
 * The PostgreSQL side: each batch is one Kysely transaction that first locks the projection's
 * status row (`FOR UPDATE`), so batches, rebuild swaps and a rival runner are serialised on it, and
 * a batch whose checkpoint moved meanwhile writes nothing.
 */
export class PostgresProjectionStore implements ProjectionStore {
  readonly dialect = 'postgres' as const;
  private readonly leases: PostgresLeaseSession;

  constructor(private readonly db: Db) {
    this.leases = new PostgresLeaseSession(db);
  }

  async readStatus(name: string): Promise<CheckpointRecord> {
    return this.db.transaction().execute((trx) => lockStatus(trx, name));
  }

  async applyBatch(request: ApplyBatchRequest): Promise<BatchOutcome> {
    return this.db.transaction().execute(async (trx): Promise<BatchOutcome> => {
      const status = await lockStatus(trx, request.statusName);
      if (status.checkpoint !== request.expected)
        return { kind: 'moved', checkpoint: status.checkpoint };
      const { projection, tables, events } = request;
      const plan = planBatch(projection, events, await loadRows(trx, projection, tables, events));
      await writeRows(trx, tables, plan.writes);
      request.hooks?.afterRows?.({ projection: projection.name, events: plan.applied });
      const { record, outcome } = afterBatch(status, plan);
      await saveStatus(trx, record);
      return outcome;
    });
  }

  async advanceCheckpoint(
    name: string,
    expected: bigint,
    to: bigint,
    lastEventAt: string | null,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const status = await lockStatus(trx, name);
      if (status.checkpoint !== expected) return false;
      await saveStatus(trx, {
        ...status,
        checkpoint: to,
        lastEventAt: lastEventAt ?? status.lastEventAt,
      });
      return true;
    });
  }

  async prepareRebuild(projection: Projection): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const live = await lockStatus(trx, projection.name);
      const generation = live.generation + 1;
      await saveStatus(trx, { ...live, generation });
      const names = rebuildTables(generation);
      for (const { table } of projection.documents) {
        await sql`DROP TABLE IF EXISTS ${sql.table(names(table))}`.execute(trx);
        await createTable(trx, 'postgres', table, names(table), false);
      }
      const rebuild = await lockStatus(trx, rebuildStatusName(projection.name));
      await saveStatus(trx, {
        ...rebuild,
        checkpoint: 0n,
        state: 'ok',
        error: null,
        errorPosition: null,
        lastEventAt: null,
        generation,
      });
      return generation;
    });
  }

  async swapRebuild(projection: Projection, generation: number): Promise<CheckpointRecord> {
    for (const { table } of projection.documents)
      for (const statement of createIndexStatements(table, rebuildTables(generation)(table)))
        await sql.raw(statement).execute(this.db);
    const swapped = await this.db.transaction().execute(async (trx) => {
      // The status row first, as every batch does: no batch holds a table lock the swap waits for.
      const live = await lockStatus(trx, projection.name);
      const rebuild = await lockStatus(trx, rebuildStatusName(projection.name));
      const from = rebuildTables(generation);
      for (const { table } of projection.documents) {
        const old = `${table.name}__old_${generation}`;
        await sql`ALTER TABLE ${sql.table(table.name)} RENAME TO ${sql.id(old)}`.execute(trx);
        await sql`ALTER TABLE ${sql.table(from(table))} RENAME TO ${sql.id(table.name)}`.execute(
          trx,
        );
      }
      const record: CheckpointRecord = {
        ...live,
        checkpoint: rebuild.checkpoint,
        lastEventAt: rebuild.lastEventAt,
        state: 'ok',
        error: null,
        errorPosition: null,
        generation,
      };
      await saveStatus(trx, record);
      await trx.deleteFrom(PROJECTION_STATUS_TABLE).where('name', '=', rebuild.name).execute();
      return record;
    });
    await this.dropStaleTables(projection);
    return swapped;
  }

  async dropStaleTables(projection: Projection): Promise<void> {
    const { rows } = await sql<{ tablename: string }>`
      SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`.execute(this.db);
    const bases = projection.documents.map((document) => document.table.name);
    for (const name of staleTablesOf(
      bases,
      rows.map((row) => row.tablename),
    ))
      await sql`DROP TABLE IF EXISTS ${sql.table(name)}`.execute(this.db);
  }

  lease(name: string, owner: string, options: LeaseOptions = {}): Lease {
    return this.leases.lease(name, owner, options);
  }

  async close(): Promise<void> {
    await this.leases.close();
  }
}

import Database from 'better-sqlite3';
import { planBatch } from '../projection/batch-plan';
import type { Projection } from '../projection/projection.model';
import { PROJECTION_STATUS_TABLE } from '../schema/read-model.migrations';
import { createIndexStatements, createTableStatements, quote } from '../schema/table-schema';
import { afterBatch, staleTablesOf, toCheckpointRecord } from './checkpoint-record';
import type {
  ApplyBatchRequest,
  BatchOutcome,
  CheckpointRecord,
  Lease,
  LeaseOptions,
  ProjectionStore,
} from './projection-store.port';
import { rebuildStatusName, rebuildTables } from './projection-store.port';
import { yieldToEventLoop } from '../runner/sleep';
import { SqliteLease } from './sqlite-lease';
import { loadRows, writeRows } from './sqlite-rows';

const STATUS = quote(PROJECTION_STATUS_TABLE);

/**
 * The SQLite side, on a connection of its own to the read store's file. better-sqlite3 waits for a
 * lock synchronously, blocking the event loop: a transaction that awaited between statements could
 * leave this process's event-store connection (the same file, by default) waiting on a lock that
 * only this very event loop can release. So every transaction here is one synchronous call: load,
 * fold, write and checkpoint happen without yielding, and nothing else of the process runs in
 * between. `synchronous = NORMAL`: a read model is derived data, and WAL keeps rows and checkpoint
 * consistent with each other across a power cut (the last batches may be replayed).
 */
export class SqliteProjectionStore implements ProjectionStore {
  readonly dialect = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(file: string, options: { readonly busyTimeoutMs?: number } = {}) {
    this.db = new Database(file, { timeout: options.busyTimeoutMs ?? 5_000 });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
  }

  async readStatus(name: string): Promise<CheckpointRecord> {
    return this.db.transaction(() => this.status(name)).immediate();
  }

  async applyBatch(request: ApplyBatchRequest): Promise<BatchOutcome> {
    return this.db
      .transaction((): BatchOutcome => {
        if (request.lease && !this.holds(request.lease.name, request.lease.owner))
          return { kind: 'lease-lost' };
        const status = this.status(request.statusName);
        if (status.checkpoint !== request.expected)
          return { kind: 'moved', checkpoint: status.checkpoint };
        const { projection, tables, events } = request;
        const plan = planBatch(projection, events, loadRows(this.sql, projection, tables, events));
        writeRows(this.sql, tables, plan.writes);
        request.hooks?.afterRows?.({ projection: projection.name, events: plan.applied });
        const { record, outcome } = afterBatch(status, plan);
        this.saveStatus(record);
        return outcome;
      })
      .immediate();
  }

  async advanceCheckpoint(
    name: string,
    expected: bigint,
    to: bigint,
    lastEventAt: string | null,
  ): Promise<boolean> {
    return this.db
      .transaction(() => {
        const status = this.status(name);
        if (status.checkpoint !== expected) return false;
        this.saveStatus({
          ...status,
          checkpoint: to,
          lastEventAt: lastEventAt ?? status.lastEventAt,
        });
        return true;
      })
      .immediate();
  }

  async prepareRebuild(projection: Projection): Promise<number> {
    return this.db
      .transaction(() => {
        const live = this.status(projection.name);
        const generation = live.generation + 1;
        this.saveStatus({ ...live, generation });
        const names = rebuildTables(generation);
        for (const { table } of projection.documents) {
          this.db.exec(`DROP TABLE IF EXISTS ${quote(names(table))}`);
          this.db.exec(createTableStatements('sqlite', table, names(table))[0]);
        }
        const rebuild = this.status(rebuildStatusName(projection.name));
        this.saveStatus({
          ...rebuild,
          checkpoint: 0n,
          state: 'ok',
          error: null,
          errorPosition: null,
          lastEventAt: null,
          generation,
        });
        return generation;
      })
      .immediate();
  }

  async swapRebuild(projection: Projection, generation: number): Promise<CheckpointRecord> {
    const from = rebuildTables(generation);
    for (const { table } of projection.documents)
      for (const statement of createIndexStatements(table, from(table))) {
        this.db.exec(statement);
        await yieldToEventLoop();
      }
    const swapped = this.db
      .transaction(() => {
        const live = this.status(projection.name);
        const rebuild = this.status(rebuildStatusName(projection.name));
        for (const { table } of projection.documents) {
          this.db.exec(
            `ALTER TABLE ${quote(table.name)} RENAME TO ${quote(`${table.name}__old_${generation}`)}`,
          );
          this.db.exec(`ALTER TABLE ${quote(from(table))} RENAME TO ${quote(table.name)}`);
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
        this.saveStatus(record);
        this.run(`DELETE FROM ${STATUS} WHERE name = ?`, rebuild.name);
        return record;
      })
      .immediate();
    await this.dropStaleTables(projection);
    return swapped;
  }

  async dropStaleTables(projection: Projection): Promise<void> {
    const existing = (
      this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
        name: string;
      }[]
    ).map((row) => row.name);
    const bases = projection.documents.map((document) => document.table.name);
    for (const name of staleTablesOf(bases, existing))
      this.db.exec(`DROP TABLE IF EXISTS ${quote(name)}`);
  }

  lease(name: string, owner: string, options: LeaseOptions = {}): Lease {
    return new SqliteLease(this.db, name, owner, options);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private holds(name: string, owner: string): boolean {
    return SqliteLease.holds(this.db, name, owner);
  }

  private status(name: string): CheckpointRecord {
    this.run(
      `INSERT INTO ${STATUS} (name, checkpoint, state, generation, updated_at)
       VALUES (?, 0, 'ok', 0, ?) ON CONFLICT (name) DO NOTHING`,
      name,
      new Date().toISOString(),
    );
    const raw = this.statement(`SELECT * FROM ${STATUS} WHERE name = ?`).get(name) as Record<
      string,
      unknown
    >;
    return toCheckpointRecord(raw);
  }

  private saveStatus(record: CheckpointRecord): void {
    this.run(
      `UPDATE ${STATUS} SET checkpoint = ?, state = ?, error = ?, error_position = ?,
         last_event_at = ?, generation = ?, updated_at = ? WHERE name = ?`,
      record.checkpoint,
      record.state,
      record.error,
      record.errorPosition,
      record.lastEventAt,
      record.generation,
      new Date().toISOString(),
      record.name,
    );
  }

  private readonly sql = (text: string): Database.Statement => this.statement(text);

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private run(sql: string, ...values: unknown[]): number {
    return this.statement(sql).run(...values).changes;
  }
}

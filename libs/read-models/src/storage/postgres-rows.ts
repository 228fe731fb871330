import { sql, type Transaction } from 'kysely';
import type { RecordedEvent } from '@engine/event-store';
import { keysToLoad, type LoadedRows, type TableWrites } from '../projection/batch-plan';
import type { Projection } from '../projection/projection.model';
import { PROJECTION_STATUS_TABLE } from '../schema/read-model.migrations';
import { decodeRow, encodeValue, type Row, type TableSchema } from '../schema/table-schema';
import { toCheckpointRecord } from './checkpoint-record';
import type { CheckpointRecord, TableNames } from './projection-store.port';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the adapter edge: tables of any shape
type Trx = Transaction<any>;

/** PostgreSQL allows 65,535 parameters per statement. */
const MAX_PARAMETERS = 60_000;
const LOAD_CHUNK = 1_000;

/** The status row, created at checkpoint 0 when missing, locked until the transaction ends. */
export async function lockStatus(trx: Trx, name: string): Promise<CheckpointRecord> {
  const select = () =>
    trx.selectFrom(PROJECTION_STATUS_TABLE).selectAll().where('name', '=', name).forUpdate();
  let raw = await select().executeTakeFirst();
  if (!raw) {
    await trx
      .insertInto(PROJECTION_STATUS_TABLE)
      .values({
        name,
        checkpoint: '0',
        state: 'ok',
        generation: 0,
        updated_at: new Date().toISOString(),
      })
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
    raw = await select().executeTakeFirstOrThrow();
  }
  return toCheckpointRecord(raw);
}

export async function saveStatus(trx: Trx, record: CheckpointRecord): Promise<void> {
  await trx
    .updateTable(PROJECTION_STATUS_TABLE)
    .set({
      checkpoint: record.checkpoint.toString(),
      state: record.state,
      error: record.error,
      error_position: record.errorPosition?.toString() ?? null,
      last_event_at: record.lastEventAt,
      generation: record.generation,
      updated_at: new Date().toISOString(),
    })
    .where('name', '=', record.name)
    .execute();
}

export async function loadRows(
  trx: Trx,
  projection: Projection,
  tables: TableNames,
  events: readonly RecordedEvent[],
): Promise<LoadedRows> {
  const keys = keysToLoad(projection, events);
  const loaded = new Map<string, Map<string, Row>>();
  for (const { table } of projection.documents) {
    const wanted = [...(keys.get(table.name) ?? [])];
    const rows = new Map<string, Row>();
    loaded.set(table.name, rows);
    for (let start = 0; start < wanted.length; start += LOAD_CHUNK) {
      const found = await trx
        .selectFrom(tables(table))
        .selectAll()
        .where(table.primaryKey, 'in', wanted.slice(start, start + LOAD_CHUNK))
        .execute();
      for (const raw of found) rows.set(String(raw[table.primaryKey]), decodeRow(table, raw));
    }
  }
  return loaded;
}

export async function writeRows(
  trx: Trx,
  tables: TableNames,
  writes: readonly TableWrites[],
): Promise<void> {
  for (const { table, upserts, deletes } of writes) {
    const physical = tables(table);
    const chunk = Math.max(1, Math.floor(MAX_PARAMETERS / table.columns.length));
    for (let start = 0; start < upserts.length; start += chunk)
      await trx
        .insertInto(physical)
        .values(upserts.slice(start, start + chunk).map((row) => encoded(table, row)))
        .onConflict((conflict) =>
          conflict.column(table.primaryKey).doUpdateSet(updatesFromExcluded(table)),
        )
        .execute();
    for (let start = 0; start < deletes.length; start += LOAD_CHUNK)
      await trx
        .deleteFrom(physical)
        .where(table.primaryKey, 'in', deletes.slice(start, start + LOAD_CHUNK))
        .execute();
  }
}

const encoded = (table: TableSchema, row: Row): Record<string, unknown> =>
  Object.fromEntries(
    table.columns.map((column) => [
      column.name,
      encodeValue('postgres', column.type, row[column.name] ?? null),
    ]),
  );

const updatesFromExcluded = (table: TableSchema) =>
  Object.fromEntries(
    table.columns
      .filter((column) => column.name !== table.primaryKey)
      .map((column) => [column.name, sql.ref(`excluded.${column.name}`)]),
  );

import type Database from 'better-sqlite3';
import type { RecordedEvent } from '@engine/event-store';
import { keysToLoad, type LoadedRows, type TableWrites } from '../projection/batch-plan';
import type { Projection } from '../projection/projection.model';
import { decodeRow, encodeRow, quote, type Row, type TableSchema } from '../schema/table-schema';
import type { TableNames } from './projection-store.port';

/** A prepared statement by its SQL (cached by the caller). */
export type Statements = (sql: string) => Database.Statement;

/** The rows a batch touches, loaded by key (a JSON array parameter: one statement per table). */
export function loadRows(
  statement: Statements,
  projection: Projection,
  tables: TableNames,
  events: readonly RecordedEvent[],
): LoadedRows {
  const keys = keysToLoad(projection, events);
  const loaded = new Map<string, Map<string, Row>>();
  for (const { table } of projection.documents) {
    const wanted = [...(keys.get(table.name) ?? [])];
    const rows = new Map<string, Row>();
    loaded.set(table.name, rows);
    if (wanted.length === 0) continue;
    const found = statement(
      `SELECT * FROM ${quote(tables(table))}
       WHERE ${quote(table.primaryKey)} IN (SELECT value FROM json_each(?))`,
    ).all(JSON.stringify(wanted)) as Record<string, unknown>[];
    for (const raw of found) rows.set(String(raw[table.primaryKey]), decodeRow(table, raw));
  }
  return loaded;
}

/** Upserts and deletes, one prepared statement per table, a row at a time (SQLite's fastest). */
export function writeRows(
  statement: Statements,
  tables: TableNames,
  writes: readonly TableWrites[],
): void {
  for (const { table, upserts, deletes } of writes) {
    const physical = tables(table);
    if (upserts.length > 0) {
      const upsert = statement(upsertSql(table, physical));
      for (const row of upserts) upsert.run(...encodeRow('sqlite', table, row));
    }
    if (deletes.length > 0)
      statement(
        `DELETE FROM ${quote(physical)} WHERE ${quote(table.primaryKey)} IN (SELECT value FROM json_each(?))`,
      ).run(JSON.stringify(deletes));
  }
}

const upsertSql = (table: TableSchema, physical: string): string => {
  const names = table.columns.map((column) => quote(column.name));
  const updates = table.columns
    .filter((column) => column.name !== table.primaryKey)
    .map((column) => `${quote(column.name)} = excluded.${quote(column.name)}`);
  return `INSERT INTO ${quote(physical)} (${names.join(', ')})
          VALUES (${names.map(() => '?').join(', ')})
          ON CONFLICT (${quote(table.primaryKey)}) DO UPDATE SET ${updates.join(', ')}`;
};

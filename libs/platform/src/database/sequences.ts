import { sql } from 'kysely';
import type { SqlDatabase } from './sql-database';
import type { SqlMigration } from './sql-migrations';

/** The counters behind nextInSequence; applied by nextInSequence itself on first use. */
export const SEQUENCE_MIGRATIONS: readonly SqlMigration[] = [
  {
    name: 'platform/001-sql-sequences',
    async up(db) {
      await db.schema
        .createTable('sql_sequences')
        .addColumn('name', 'text', (column) => column.primaryKey())
        .addColumn('value', 'bigint', (column) => column.notNull())
        .execute();
    },
  },
];

const migrated = new WeakMap<SqlDatabase, Promise<void>>();

/**
 * The next value of a named sequence: `start` the first time, then unique and strictly increasing
 * across every process sharing the database (gaps are possible, repeats never). One statement
 * increments and returns the counter, so PostgreSQL's row lock or SQLite's write lock orders
 * concurrent callers; the increment is committed before the value is handed out.
 */
export async function nextInSequence(
  database: SqlDatabase,
  name: string,
  start: number,
): Promise<number> {
  if (!Number.isSafeInteger(start)) throw new TypeError(`sequence start must be an integer`);
  let ready = migrated.get(database);
  if (!ready) {
    ready = database.migrate(SEQUENCE_MIGRATIONS);
    migrated.set(database, ready);
    ready.catch(() => migrated.delete(database));
  }
  await ready;
  // A start raised later takes effect; the counter never goes back.
  const { rows } = await sql<{ value: number | string }>`
    INSERT INTO sql_sequences (name, value) VALUES (${name}, ${start})
    ON CONFLICT (name) DO UPDATE SET value = CASE
      WHEN sql_sequences.value + 1 < excluded.value THEN excluded.value
      ELSE sql_sequences.value + 1
    END
    RETURNING value`.execute(database.db);
  const value = Number(rows[0]?.value);
  if (!Number.isSafeInteger(value)) throw new Error(`sequence ${name} returned no value`);
  return value;
}

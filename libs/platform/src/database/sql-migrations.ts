import { sql, type Kysely } from 'kysely';
import type { SqlDatabase, SqlDatabaseKind } from './sql-database';

/**
 * One step of a schema. `name` is global across the database (prefix it with its owner, e.g.
 * `idempotency/001-keys`); once recorded in `sql_migrations` it never runs again, so never edit
 * a shipped migration: add another.
 */
export interface SqlMigration {
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration creates its own tables
  up(db: Kysely<any>, kind: SqlDatabaseKind): Promise<void>;
}

/** Advisory lock key of migrations (two-int4 form; the event store uses other class ids). */
const MIGRATION_LOCK = { classId: 0x53514c4d /* 'SQLM' */, name: 'sql_migrations' } as const;

/**
 * Applies, in order, the migrations not yet recorded, all in one transaction that first takes a
 * database-wide lock: PostgreSQL an advisory transaction lock, SQLite `BEGIN IMMEDIATE` (the
 * write lock). A second process starting at the same moment waits, then finds them recorded.
 */
export async function applySqlMigrations(
  database: SqlDatabase,
  migrations: readonly SqlMigration[],
): Promise<void> {
  assertUniqueNames(migrations);
  // The usual start: everything is applied already, and no lock is needed to see it.
  const pending = await pendingOf(database.db, migrations).catch(() => migrations);
  if (pending.length === 0) return;
  if (database.kind === 'postgres') {
    await database.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK.classId}, hashtext(${MIGRATION_LOCK.name}))`.execute(
        trx,
      );
      await applyPending(trx, database.kind, migrations);
    });
    return;
  }
  // Kysely's SQLite dialect has one connection: holding it keeps this process's other queries out.
  // better-sqlite3 waits for a lock synchronously, blocking the event loop, so a second connection
  // of this process must not reach BEGIN while the first is between statements: it would wait
  // for a transaction that cannot go on. Other processes simply wait (busy_timeout).
  await inProcessTurn(database.sqliteFile ?? ':memory:', () =>
    database.db.connection().execute(async (connection) => {
      // Another connection of this process may have applied them while this one waited its turn.
      if ((await pendingOf(connection, migrations).catch(() => migrations)).length === 0) return;
      await sql`BEGIN IMMEDIATE`.execute(connection);
      try {
        await applyPending(connection, database.kind, migrations);
        await sql`COMMIT`.execute(connection);
      } catch (error) {
        await sql`ROLLBACK`.execute(connection).catch(() => undefined);
        throw error;
      }
    }),
  );
}

const sqliteTurns = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier migration of this process on the same SQLite file. */
async function inProcessTurn<T>(file: string, work: () => Promise<T>): Promise<T> {
  const previous = sqliteTurns.get(file) ?? Promise.resolve();
  const turn = previous.catch(() => undefined).then(work);
  sqliteTurns.set(file, turn);
  try {
    return await turn;
  } finally {
    if (sqliteTurns.get(file) === turn) sqliteTurns.delete(file);
  }
}

async function applyPending(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bookkeeping table of its own
  db: Kysely<any>,
  kind: SqlDatabaseKind,
  migrations: readonly SqlMigration[],
): Promise<void> {
  await db.schema
    .createTable('sql_migrations')
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('applied_at', 'text', (column) => column.notNull())
    .execute();
  for (const migration of await pendingOf(db, migrations)) {
    await migration.up(db, kind);
    await db
      .insertInto('sql_migrations')
      .values({ name: migration.name, applied_at: new Date().toISOString() })
      .execute();
  }
}

async function pendingOf(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bookkeeping table of its own
  db: Kysely<any>,
  migrations: readonly SqlMigration[],
): Promise<SqlMigration[]> {
  const rows: { name: string }[] = await db.selectFrom('sql_migrations').select('name').execute();
  const applied = new Set(rows.map((row) => row.name));
  return migrations.filter((migration) => !applied.has(migration.name));
}

function assertUniqueNames(migrations: readonly SqlMigration[]): void {
  const seen = new Set<string>();
  for (const { name } of migrations) {
    if (seen.has(name))
      throw new TypeError(`SQL migration ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
}

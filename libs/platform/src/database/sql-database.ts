import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase,
  type SqliteStatement,
} from 'kysely';
import { Pool } from 'pg';
import { applySqlMigrations, type SqlMigration } from './sql-migrations';

export type SqlDatabaseKind = 'sqlite' | 'postgres';

export interface SqlDatabaseOptions {
  readonly kind: SqlDatabaseKind;
  /** For 'sqlite': a file path (its directory is created) or ':memory:'. */
  readonly sqlitePath?: string;
  /** For 'postgres': a connection URL. */
  readonly databaseUrl?: string;
  /** SQLite: how long a write waits for another connection's lock. Default 10 s. */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL: the pool's size. Default 10. */
  readonly poolSize?: number;
}

/**
 * The read store: one Kysely instance over SQLite or PostgreSQL. Tables are owned by whoever
 * migrates them, so the handle is untyped here; each owner narrows it to its own table types.
 */
export interface SqlDatabase {
  readonly kind: SqlDatabaseKind;
  /** For 'sqlite': the absolute path of the file (':memory:' for a private database). */
  readonly sqliteFile?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- owners narrow it to their tables
  readonly db: Kysely<any>;
  /** Applies the migrations not yet recorded, in order; concurrent starters wait for each other. */
  migrate(migrations: readonly SqlMigration[]): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database; nothing is created in it until `migrate` runs. */
export async function createSqlDatabase(options: SqlDatabaseOptions): Promise<SqlDatabase> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see SqlDatabase.db
  const db = new Kysely<any>({ dialect: dialectFor(options) });
  const database: SqlDatabase = {
    kind: options.kind,
    sqliteFile:
      options.kind === 'sqlite' && options.sqlitePath !== ':memory:'
        ? resolve(options.sqlitePath ?? '')
        : undefined,
    db,
    migrate: (migrations) => applySqlMigrations(database, migrations),
    close: () => db.destroy(),
  };
  if (options.kind === 'postgres') {
    // Fail at start-up, not on the first request, when the server does not answer.
    try {
      await db.connection().execute(async () => undefined);
    } catch (error) {
      await db.destroy().catch(() => undefined);
      throw error;
    }
  }
  return database;
}

function dialectFor(options: SqlDatabaseOptions): SqliteDialect | PostgresDialect {
  switch (options.kind) {
    case 'sqlite':
      return new SqliteDialect({ database: withStatementCache(openSqlite(options)) });
    case 'postgres': {
      if (!options.databaseUrl) throw new TypeError("SQL database 'postgres' needs databaseUrl");
      const pool = new Pool({
        connectionString: options.databaseUrl,
        max: options.poolSize ?? 10,
        // A server that never answers fails the query instead of hanging it.
        connectionTimeoutMillis: 10_000,
      });
      // An idle client losing its server must not crash the process; the next query reports it.
      pool.on('error', () => undefined);
      // Nor a checked-out one (a transaction, a held lease connection) ended between two queries:
      // without a listener of its own its 'error' would crash the process; its next query fails.
      pool.on('connect', (client) => client.on('error', () => undefined));
      return new PostgresDialect({ pool });
    }
    default: {
      const kind: never = options.kind;
      throw new TypeError(`unknown SQL database kind ${JSON.stringify(kind)}`);
    }
  }
}

function openSqlite(options: SqlDatabaseOptions): Database.Database {
  const path = options.sqlitePath;
  if (!path) throw new TypeError("SQL database 'sqlite' needs sqlitePath");
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path, { timeout: options.busyTimeoutMs ?? 10_000 });
  try {
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    // FULL: a number handed out by a sequence or a stored idempotent answer survives a power cut.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return sqlite;
}

/** Prepared statements kept per SQLite connection; past this many, the first prepared goes first. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely's SQLite driver sees it, with each SQL text prepared once. The driver
 * prepares every query it runs; better-sqlite3's `prepare` parses and plans the SQL again each
 * time, which cost as much as running a small insert. A statement is used by one query at a time:
 * the driver's one connection is held by a query (or a stream, or a transaction) until it ends.
 * SQLite prepares a statement again by itself when the schema changed under it.
 */
export function withStatementCache(
  sqlite: Database.Database,
  capacity = STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      sqlite.close();
    },
    prepare(sql: string): SqliteStatement {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = sqlite.prepare(sql);
        if (statements.size >= capacity)
          statements.delete(statements.keys().next().value as string);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

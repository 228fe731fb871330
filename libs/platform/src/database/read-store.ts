import { extname } from 'node:path';
import type { EngineConfig } from '../config/engine-config';
import type { SqlDatabaseOptions } from './sql-database';

/**
 * Where the read store lives. `loadEngineConfig` already resolved READ_STORE's default (the event
 * store's own kind of database; for esdb PostgreSQL when DATABASE_URL is set, else SQLite) and
 * checked that DATABASE_URL is there when needed; this picks the matching connection setting.
 *
 * On SQLite the read store is a file of its own next to SQLITE_PATH (`engine.sqlite` ->
 * `engine.read.sqlite`). better-sqlite3 waits for a lock synchronously, blocking the event loop:
 * an event store append on a second connection to the same file while a read-model transaction
 * is between two statements would wait for a transaction that cannot go on (about 10 s, then
 * fail). Two files have two locks, so that can never happen.
 */
export function resolveReadStore(config: EngineConfig): SqlDatabaseOptions {
  if (config.readStore === 'postgres') {
    if (config.databaseUrl === null) throw new TypeError('READ_STORE=postgres needs DATABASE_URL');
    return { kind: 'postgres', databaseUrl: config.databaseUrl };
  }
  return { kind: 'sqlite', sqlitePath: readStoreSqlitePath(config.sqlitePath) };
}

/** `/data/engine.sqlite` -> `/data/engine.read.sqlite`. */
export function readStoreSqlitePath(eventStorePath: string): string {
  const extension = extname(eventStorePath);
  return `${eventStorePath.slice(0, eventStorePath.length - extension.length)}.read${extension}`;
}

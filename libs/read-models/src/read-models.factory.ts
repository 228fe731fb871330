import type { SqlDatabase } from '@engine/platform';
import { IncidentQueries } from './queries/incident.queries';
import { KnownErrorQueries } from './queries/known-error.queries';
import { SlaReportQuery } from './queries/sla-report.query';
import { READ_MODEL_MIGRATIONS } from './schema/read-model.migrations';
import { PostgresProjectionStore } from './storage/postgres-projection.store';
import type { ProjectionStore } from './storage/projection-store.port';
import { SqliteProjectionStore } from './storage/sqlite-projection.store';

/** Applies the read models' migrations (idempotent; concurrent starters wait for each other). */
export const migrateReadModels = (database: SqlDatabase): Promise<void> =>
  database.migrate(READ_MODEL_MIGRATIONS);

/**
 * The projection side of the read store. SQLite gets a connection of its own (see
 * SqliteProjectionStore for why), so it needs the store's file; close it when done.
 */
export function createProjectionStore(database: SqlDatabase): ProjectionStore {
  if (database.kind === 'postgres') return new PostgresProjectionStore(database.db);
  if (!database.sqliteFile)
    throw new TypeError('read-model projections need a file-backed SQLite read store');
  return new SqliteProjectionStore(database.sqliteFile);
}

/** The query services over the read models (stateless; both dialects through Kysely). */
export class ReadModelQueries {
  readonly incidents: IncidentQueries;
  readonly knownErrors: KnownErrorQueries;
  readonly slaReport: SlaReportQuery;

  constructor(database: SqlDatabase) {
    this.incidents = new IncidentQueries(database.db, database.kind);
    this.knownErrors = new KnownErrorQueries(database.db);
    this.slaReport = new SlaReportQuery(database.db);
  }
}

import type { SqlMigration } from '@engine/platform';
import { PROJECTIONS } from '../projection/projections.registry';
import { createTable } from './table-schema';

/** Checkpoints, halts and rebuild generations of every feed follower (projections and reactors). */
export const PROJECTION_STATUS_TABLE = 'projection_status';
/** SQLite's runner leases (PostgreSQL uses advisory locks and leaves this table empty). */
export const PROJECTION_LEASES_TABLE = 'projection_leases';

const bookkeeping: SqlMigration = {
  name: 'read-models/001-projection-bookkeeping',
  async up(db) {
    await db.schema
      .createTable(PROJECTION_STATUS_TABLE)
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('checkpoint', 'bigint', (column) => column.notNull())
      .addColumn('state', 'text', (column) => column.notNull())
      .addColumn('error', 'text')
      .addColumn('error_position', 'bigint')
      .addColumn('last_event_at', 'text')
      .addColumn('generation', 'integer', (column) => column.notNull())
      .addColumn('updated_at', 'text', (column) => column.notNull())
      .execute();
    await db.schema
      .createTable(PROJECTION_LEASES_TABLE)
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('owner', 'text', (column) => column.notNull())
      .addColumn('expires_at', 'bigint', (column) => column.notNull())
      .execute();
  },
};

/**
 * The read store's schema. A projection's tables are created here at version 1; a later change to
 * them ships as a new migration that recreates them and resets the projection's checkpoint (the
 * runner then replays the feed), or is applied with a rebuild.
 */
export const READ_MODEL_MIGRATIONS: readonly SqlMigration[] = [
  bookkeeping,
  ...PROJECTIONS.map((projection): SqlMigration => ({
    name: `read-models/002-${projection.name}-v1`,
    async up(db, kind) {
      for (const document of projection.documents)
        await createTable(db, kind, document.table, document.table.name);
    },
  })),
];

import type { SqlMigration } from '@engine/platform';

/** Every attempt of every delivery, for `GET /webhooks/:id/deliveries`. */
export const DELIVERIES_TABLE = 'webhook_deliveries';
/** Each endpoint's current run of failures (the row is gone while it succeeds). */
export const ENDPOINT_HEALTH_TABLE = 'webhook_endpoint_health';

export const WEBHOOK_MIGRATIONS: readonly SqlMigration[] = [
  {
    name: 'webhooks/001-deliveries',
    async up(db, kind) {
      await db.schema
        .createTable(DELIVERIES_TABLE)
        .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (column) =>
          kind === 'postgres' ? column.primaryKey() : column.primaryKey().autoIncrement(),
        )
        .addColumn('webhook_id', 'text', (column) => column.notNull())
        .addColumn('event_id', 'text', (column) => column.notNull())
        .addColumn('event_type', 'text', (column) => column.notNull())
        .addColumn('event_position', 'text', (column) => column.notNull())
        .addColumn('attempt', 'integer', (column) => column.notNull())
        .addColumn('replay_id', 'text')
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('status_code', 'integer')
        .addColumn('latency_ms', 'integer', (column) => column.notNull())
        .addColumn('error', 'text')
        .addColumn('attempted_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex(`${DELIVERIES_TABLE}_by_webhook`)
        .on(DELIVERIES_TABLE)
        .columns(['webhook_id', 'seq'])
        .execute();
    },
  },
  {
    name: 'webhooks/002-endpoint-health',
    async up(db) {
      await db.schema
        .createTable(ENDPOINT_HEALTH_TABLE)
        .addColumn('webhook_id', 'text', (column) => column.primaryKey())
        .addColumn('failing_since', 'text', (column) => column.notNull())
        .addColumn('last_failure_at', 'text', (column) => column.notNull())
        .addColumn('failed_buckets', 'integer', (column) => column.notNull())
        .execute();
    },
  },
];

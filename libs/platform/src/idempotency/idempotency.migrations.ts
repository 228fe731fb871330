import type { SqlMigration } from '../database/sql-migrations';

/** The table behind Idempotency-Key; IdempotencyModule applies it when it starts. */
export const IDEMPOTENCY_MIGRATIONS: readonly SqlMigration[] = [
  {
    name: 'idempotency/001-idempotency-keys',
    async up(db) {
      await db.schema
        .createTable('idempotency_keys')
        // sha256 of (caller, method, route, params): the key is unique per scope only.
        .addColumn('scope_hash', 'text', (column) => column.notNull())
        .addColumn('idempotency_key', 'text', (column) => column.notNull())
        .addColumn('scope', 'text', (column) => column.notNull())
        .addColumn('fingerprint', 'text', (column) => column.notNull())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('outcome', 'text')
        .addColumn('status_code', 'integer')
        .addColumn('response_body', 'text')
        .addColumn('response_headers', 'text')
        .addColumn('created_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .addColumn('expires_at', 'bigint', (column) => column.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pkey', ['scope_hash', 'idempotency_key'])
        .execute();
      await db.schema
        .createIndex('idempotency_keys_expires_at')
        .on('idempotency_keys')
        .column('expires_at')
        .execute();
    },
  },
];

import type { Pool } from 'pg';

/**
 * `events.position` comes from a sequence, so positions are allocated in the order appends reach
 * their INSERT, not in the order they commit; `transaction_id` lets readers tell which positions
 * are final (see the comment on `PostgresEventStore`). `data` and `metadata` are `json`, not
 * `jsonb`: the text is kept exactly as written and `\u0000` in an email body does not break an append.
 */
const migrations = (schema: string): readonly string[] => [
  `CREATE TABLE ${schema}.events (
     position       bigserial   PRIMARY KEY,
     transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
     stream_id      text        NOT NULL,
     version        bigint      NOT NULL CHECK (version >= 1),
     id             uuid        NOT NULL CONSTRAINT events_id_key UNIQUE,
     type           text        NOT NULL,
     data           json        NOT NULL,
     metadata       json        NOT NULL,
     created        timestamptz NOT NULL DEFAULT clock_timestamp(),
     CONSTRAINT events_stream_version_key UNIQUE (stream_id, version)
   )`,
];

/** Advisory lock keys (two-int4 form, a key space separate from the one-int8 stream locks). */
export const LOCK_CLASS = {
  append: 0x45565041 /* 'EVPA' */,
  migrate: 0x4556504d /* 'EVPM' */,
} as const;

/** Creates the schema and applies pending migrations; concurrent starters wait for each other. */
export async function migratePostgres(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      LOCK_CLASS.migrate,
      schema,
    ]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.event_store_migrations (
                          version    integer     PRIMARY KEY,
                          applied_at timestamptz NOT NULL DEFAULT now()
                        )`);
    const { rows } = await client.query<{ version: number }>(
      `SELECT version FROM ${schema}.event_store_migrations`,
    );
    const applied = new Set(rows.map((row) => row.version));
    for (const [index, sql] of migrations(schema).entries()) {
      if (applied.has(index + 1)) continue;
      await client.query(sql);
      await client.query(`INSERT INTO ${schema}.event_store_migrations (version) VALUES ($1)`, [
        index + 1,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Quotes a schema name after checking it is a plain identifier. */
export function quoteSchema(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(schema))
    throw new TypeError(`invalid schema name ${JSON.stringify(schema)}`);
  return `"${schema}"`;
}

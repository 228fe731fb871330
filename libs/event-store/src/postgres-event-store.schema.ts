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
  // An append in one statement (one round trip); why it is ordered so: PostgresEventStore.
  // Each statement of a plpgsql function takes a fresh snapshot, so what follows the stream lock
  // sees every append committed before the lock was granted. r_status: 'recorded' rows are
  // events already stored under the batch's ids (nothing written), 'current' is the stream's
  // version when the expected one does not match or the batch is empty (nothing written),
  // 'appended' rows are the batch as inserted.
  `CREATE FUNCTION ${schema}.append_events(
     p_stream_id text, p_expected bigint, p_lock_class integer, p_lock_name text, p_channel text,
     p_ids uuid[], p_types text[], p_data json[], p_metadata json[])
   RETURNS TABLE (r_status text, r_current bigint, r_position bigint, r_stream_id text,
                  r_version bigint, r_id uuid, r_type text, r_data json, r_metadata json)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     v_current bigint;
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtextextended(p_stream_id, 0));
     SELECT COALESCE(MAX(e.version), 0) INTO v_current
       FROM ${schema}.events AS e WHERE e.stream_id = p_stream_id;
     RETURN QUERY
       SELECT 'recorded'::text, v_current, e.position, e.stream_id, e.version, e.id, e.type, e.data,
              e.metadata
         FROM ${schema}.events AS e WHERE e.id = ANY (p_ids);
     IF FOUND THEN
       RETURN;
     END IF;
     IF cardinality(p_ids) = 0 OR (p_expected IS NOT NULL AND p_expected <> v_current) THEN
       RETURN QUERY SELECT 'current'::text, v_current, NULL::bigint, NULL::text, NULL::bigint,
                           NULL::uuid, NULL::text, NULL::json, NULL::json;
       RETURN;
     END IF;
     IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
       RAISE EXCEPTION 'internal: a transaction id was assigned before the append lock';
     END IF;
     -- Nothing has written yet: the transaction id (first insert) and the positions are drawn
     -- inside the append lock, which is released before COMMIT.
     PERFORM pg_advisory_lock(p_lock_class, hashtext(p_lock_name));
     RETURN QUERY
       INSERT INTO ${schema}.events AS e (stream_id, version, id, type, data, metadata)
       SELECT p_stream_id, v_current + b.n, b.id, b.type, b.data, b.metadata
         FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY
           AS b (id, type, data, metadata, n)
        ORDER BY b.n
       RETURNING 'appended'::text, v_current, e.position, e.stream_id, e.version, e.id, e.type, e.data,
                 e.metadata;
     PERFORM pg_advisory_unlock(p_lock_class, hashtext(p_lock_name));
     PERFORM pg_notify(p_channel, '');
   END
   $fn$`,
  // Several appends to different streams in one statement and one transaction (one commit, one
  // WAL flush for all of them), each judged as append_events judges one: r_index says which
  // append of p_appends a row answers. p_appends is a JSON array of
  // {"s": stream id, "e": expected version or null, "i": ids, "t": types, "d": data, "m": metadata}
  // with each stream at most once. The stream locks are taken in the order of their keys, so two
  // batches never wait for each other in a cycle; the append lock comes after all of them.
  `CREATE FUNCTION ${schema}.append_batch(
     p_lock_class integer, p_lock_name text, p_channel text, p_appends json)
   RETURNS TABLE (r_index integer, r_status text, r_current bigint, r_position bigint,
                  r_stream_id text, r_version bigint, r_id uuid, r_type text, r_data json,
                  r_metadata json)
   LANGUAGE plpgsql AS $fn$
   DECLARE
     v_key bigint;
     v_append json;
     v_index integer;
     v_current bigint;
     v_ids uuid[];
     v_accepted integer[] := '{}';
     v_currents bigint[] := '{}';
   BEGIN
     FOR v_key IN SELECT DISTINCT hashtextextended(a ->> 's', 0)
                    FROM json_array_elements(p_appends) AS a ORDER BY 1 LOOP
       PERFORM pg_advisory_xact_lock(v_key);
     END LOOP;
     FOR v_index IN 0 .. json_array_length(p_appends) - 1 LOOP
       v_append := p_appends -> v_index;
       SELECT COALESCE(MAX(e.version), 0) INTO v_current
         FROM ${schema}.events AS e WHERE e.stream_id = v_append ->> 's';
       v_ids := ARRAY(SELECT json_array_elements_text(v_append -> 'i')::uuid);
       RETURN QUERY
         SELECT v_index, 'recorded'::text, v_current, e.position, e.stream_id, e.version, e.id,
                e.type, e.data, e.metadata
           FROM ${schema}.events AS e WHERE e.id = ANY (v_ids);
       IF FOUND THEN
         CONTINUE;
       END IF;
       IF cardinality(v_ids) = 0
          OR (v_append ->> 'e' IS NOT NULL AND (v_append ->> 'e')::bigint <> v_current) THEN
         RETURN QUERY SELECT v_index, 'current'::text, v_current, NULL::bigint, NULL::text,
                             NULL::bigint, NULL::uuid, NULL::text, NULL::json, NULL::json;
         CONTINUE;
       END IF;
       v_accepted := v_accepted || v_index;
       v_currents := v_currents || v_current;
     END LOOP;
     IF cardinality(v_accepted) = 0 THEN
       RETURN;
     END IF;
     IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
       RAISE EXCEPTION 'internal: a transaction id was assigned before the append lock';
     END IF;
     PERFORM pg_advisory_lock(p_lock_class, hashtext(p_lock_name));
     FOR v_index IN 1 .. cardinality(v_accepted) LOOP
       v_append := p_appends -> v_accepted[v_index];
       RETURN QUERY
         INSERT INTO ${schema}.events AS e (stream_id, version, id, type, data, metadata)
         SELECT v_append ->> 's', v_currents[v_index] + b.n, b.id::uuid, b.type, b.data, b.metadata
           FROM ROWS FROM (json_array_elements_text(v_append -> 'i'),
                           json_array_elements_text(v_append -> 't'),
                           json_array_elements(v_append -> 'd'),
                           json_array_elements(v_append -> 'm')) WITH ORDINALITY
             AS b (id, type, data, metadata, n)
          ORDER BY b.n
         RETURNING v_accepted[v_index], 'appended'::text, v_currents[v_index], e.position,
                   e.stream_id, e.version, e.id, e.type, e.data, e.metadata;
     END LOOP;
     PERFORM pg_advisory_unlock(p_lock_class, hashtext(p_lock_name));
     PERFORM pg_notify(p_channel, '');
   END
   $fn$`,
  // The successor of append_events and append_batch (both stay for processes of the previous
  // release): one or several appends to different streams in one statement and one transaction,
  // each judged as append_events judges one, with the appends as parallel arrays instead of one
  // JSON document, so the server parses no envelope: p_streams and p_expected (null: any) per
  // append; per event, in append order, its append's index (p_owners, from 0; an append without
  // events has none and gets its 'current' row), id and type; the events' data and metadata as
  // two JSON arrays of the texts as written (ids are distinct within an append). The stream
  // reads and the version checks are one statement each for the whole group, and 'appended' rows
  // carry only what the caller needs (index, position, version), not the data it sent.
  `CREATE FUNCTION ${schema}.append_group(
     p_lock_class integer, p_lock_name text, p_channel text, p_streams text[], p_expected bigint[],
     p_owners integer[], p_ids uuid[], p_types text[], p_data json, p_metadata json)
   RETURNS TABLE (r_index integer, r_status text, r_current bigint, r_position bigint,
                  r_stream_id text, r_version bigint, r_id uuid, r_type text, r_data json,
                  r_metadata json)
   LANGUAGE plpgsql
   -- Every statement below finds its rows by key whatever the arguments: planned once per
   -- session, not at every call.
   SET plan_cache_mode = force_generic_plan
   AS $fn$
   DECLARE
     v_key bigint;
     v_currents bigint[];
     v_recorded integer[] := '{}';
     v_refused integer[];
   BEGIN
     FOR v_key IN SELECT DISTINCT hashtextextended(s, 0) FROM unnest(p_streams) AS s ORDER BY 1 LOOP
       PERFORM pg_advisory_xact_lock(v_key);
     END LOOP;
     SELECT array_agg((SELECT COALESCE(MAX(e.version), 0) FROM ${schema}.events AS e
                        WHERE e.stream_id = a.stream) ORDER BY a.n)
       INTO v_currents FROM unnest(p_streams) WITH ORDINALITY AS a (stream, n);
     RETURN QUERY
       SELECT u.owner, 'recorded'::text, v_currents[u.owner + 1], e.position, e.stream_id,
              e.version, e.id, e.type, e.data, e.metadata
         FROM ${schema}.events AS e
         JOIN unnest(p_ids, p_owners) AS u (id, owner) ON u.id = e.id
        WHERE e.id = ANY (p_ids);
     IF FOUND THEN
       SELECT array_agg(DISTINCT u.owner) INTO v_recorded
         FROM unnest(p_ids, p_owners) AS u (id, owner)
        WHERE EXISTS (SELECT 1 FROM ${schema}.events AS e WHERE e.id = u.id);
     END IF;
     SELECT COALESCE(array_agg(a.n::integer - 1), '{}') INTO v_refused
       FROM unnest(p_expected) WITH ORDINALITY AS a (expected, n)
      WHERE NOT (a.n::integer - 1 = ANY (v_recorded))
        AND (NOT (a.n::integer - 1 = ANY (p_owners))
             OR (a.expected IS NOT NULL AND a.expected <> v_currents[a.n]));
     RETURN QUERY
       SELECT r.i, 'current'::text, v_currents[r.i + 1], NULL::bigint, NULL::text, NULL::bigint,
              NULL::uuid, NULL::text, NULL::json, NULL::json
         FROM unnest(v_refused) AS r (i);
     IF cardinality(v_recorded) + cardinality(v_refused) = cardinality(p_streams) THEN
       RETURN;
     END IF;
     IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
       RAISE EXCEPTION 'internal: a transaction id was assigned before the append lock';
     END IF;
     PERFORM pg_advisory_lock(p_lock_class, hashtext(p_lock_name));
     RETURN QUERY
       WITH inserted AS (
         INSERT INTO ${schema}.events AS e (stream_id, version, id, type, data, metadata)
         SELECT p_streams[b.owner + 1],
                v_currents[b.owner + 1] + row_number() OVER (PARTITION BY b.owner ORDER BY b.n),
                b.id, b.type, b.data, b.metadata
           FROM ROWS FROM (unnest(p_owners), unnest(p_ids), unnest(p_types),
                           json_array_elements(p_data), json_array_elements(p_metadata))
                  WITH ORDINALITY AS b (owner, id, type, data, metadata, n)
          WHERE NOT (b.owner = ANY (v_recorded || v_refused))
          ORDER BY b.n
         RETURNING e.stream_id, e.version, e.position)
       SELECT array_position(p_streams, i.stream_id) - 1, 'appended'::text,
              v_currents[array_position(p_streams, i.stream_id)], i.position, NULL::text,
              i.version, NULL::uuid, NULL::text, NULL::json, NULL::json
         FROM inserted AS i;
     PERFORM pg_advisory_unlock(p_lock_class, hashtext(p_lock_name));
     PERFORM pg_notify(p_channel, '');
   END
   $fn$`,
  // append_group's plans are made once per session (force_generic_plan), from the statistics of
  // that moment: a session whose first append finds a few dozen events in the table (a new
  // deployment) plans the look-up of recorded ids as a sequential scan, and keeps it while the
  // table grows (every group then reads every event) until an ANALYZE happens to invalidate it.
  // Each of its statements finds rows by key, so it takes the indexes whatever the statistics say.
  `ALTER FUNCTION ${schema}.append_group(integer, text, text, text[], bigint[], integer[], uuid[],
                                         text[], json, json)
     SET enable_seqscan = off`,
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

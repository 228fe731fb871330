import type { QueryResult, QueryResultRow } from 'pg';
import type { NewEvent, RecordedEvent } from './event-store.port';
import { stringifyJson } from './event-store.rules';
import type { FeedPage } from './polling-subscription';

/** The SQL of the PostgreSQL adapter; why the feed reads below the horizon: PostgresEventStore. */

export type Query = <R extends QueryResultRow>(
  sql: string,
  values: unknown[],
) => Promise<QueryResult<R>>;

type EventRow = {
  position: string;
  stream_id: string;
  version: string;
  id: string;
  type: string;
  data: unknown;
  metadata: RecordedEvent['metadata'];
};

const COLUMNS = 'position, stream_id, version, id, type, data, metadata';
/** All rows below this are final. Written as a sub-select so it is evaluated once per statement. */
const HORIZON = '(SELECT pg_snapshot_xmin(pg_current_snapshot()))';
/** Beyond a page that is not full, how many final rows a filtered read skips past at most. */
const SCAN_WINDOW = 10_000;

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.id,
  type: row.type,
  streamId: row.stream_id,
  version: BigInt(row.version),
  position: BigInt(row.position),
  data: row.data,
  metadata: row.metadata,
});

export async function selectStream(
  query: Query,
  table: string,
  streamId: string,
  fromVersion: bigint,
) {
  const { rows } = await query<EventRow>(
    `SELECT ${COLUMNS} FROM ${table} WHERE stream_id = $1 AND version >= $2 ORDER BY version`,
    [streamId, fromVersion.toString()],
  );
  return rows.map(toRecorded);
}

/**
 * Under the stream lock: the stream's current version and the already recorded events that share
 * an id with the batch, in one round trip.
 */
export async function selectAppendState(
  query: Query,
  table: string,
  streamId: string,
  ids: readonly string[],
): Promise<{ current: bigint; recorded: RecordedEvent[] }> {
  const { rows } = await query<EventRow & { current: string }>(
    `SELECT (SELECT COALESCE(MAX(version), 0) FROM ${table} WHERE stream_id = $1)::text AS current,
            e.position, e.stream_id, e.version, e.id, e.type, e.data, e.metadata
       FROM (SELECT 1) AS one LEFT JOIN ${table} AS e ON e.id = ANY($2::uuid[])`,
    [streamId, ids],
  );
  const recorded = rows.filter((row) => row.position !== null).map(toRecorded);
  return { current: BigInt(rows[0].current), recorded };
}

export async function selectCurrentVersion(
  query: Query,
  table: string,
  streamId: string,
): Promise<bigint> {
  const { rows } = await query<{ version: string }>(
    `SELECT COALESCE(MAX(version), 0) AS version FROM ${table} WHERE stream_id = $1`,
    [streamId],
  );
  return BigInt(rows[0].version);
}

/**
 * Inserts the batch at versions current+1... inside the append lock, in ONE statement, so the lock
 * is held only while the server runs it: `guard` takes the session advisory lock before any row
 * exists (every inserted row joins it), so the transaction id (assigned by the first insert) and
 * the positions (drawn per row) come after it; `done` releases the lock only once every row of
 * `ins` is in (it counts them) and queues the NOTIFY, sent at commit. Returns the positions in
 * batch order. If the statement fails, the caller must release the lock after ROLLBACK.
 */
export async function insertBatchInOrder(
  query: Query,
  table: string,
  lock: { readonly classId: number; readonly name: string; readonly channel: string },
  streamId: string,
  batch: readonly NewEvent[],
  current: bigint,
): Promise<bigint[]> {
  const values: unknown[] = [lock.classId, lock.name, lock.channel];
  const tuples = batch.map((event, index) => {
    values.push(streamId, (current + BigInt(index + 1)).toString(), event.id, event.type);
    values.push(stringifyJson(event.data), stringifyJson(event.metadata));
    const n = 3 + index * 6;
    return `($${n + 1}::text, $${n + 2}::bigint, $${n + 3}::uuid, $${n + 4}::text, $${n + 5}::json, $${n + 6}::json)`;
  });
  const { rows } = await query<{
    position: string;
    version: string;
    assigned_before: string | null;
  }>(
    `WITH guard AS MATERIALIZED (
       SELECT pg_advisory_lock($1, hashtext($2)) AS locked,
              pg_current_xact_id_if_assigned()::text AS assigned_before),
     ins AS (
       INSERT INTO ${table} (stream_id, version, id, type, data, metadata)
       SELECT v.stream_id, v.version, v.id, v.type, v.data, v.metadata
         FROM guard CROSS JOIN (VALUES ${tuples.join(', ')})
           AS v (stream_id, version, id, type, data, metadata)
       RETURNING position, version),
     done AS MATERIALIZED (
       SELECT pg_advisory_unlock($1, hashtext($2)) AS unlocked, pg_notify($3, '') AS notified
         FROM (SELECT count(*) FROM ins) AS inserted)
     SELECT ins.position, ins.version, (SELECT assigned_before FROM guard) AS assigned_before
       FROM ins CROSS JOIN done`,
    values,
  );
  if (rows.some((row) => row.assigned_before !== null)) {
    throw new Error('internal: a transaction id was assigned before the append lock');
  }
  const positions = rows
    .map((row) => ({ version: BigInt(row.version), position: BigInt(row.position) }))
    .sort((a, b) => (a.version < b.version ? -1 : 1))
    .map((row) => row.position);
  if (
    positions.length !== batch.length ||
    positions.some((p, i) => i > 0 && p <= positions[i - 1])
  ) {
    throw new Error('internal: the positions of one batch are not in version order');
  }
  return positions;
}

/** A page of the feed: final rows only (below the horizon), optionally under stream prefixes. */
export async function selectFeedPage(
  query: Query,
  table: string,
  from: bigint,
  limit: number,
  prefixes: readonly string[] | undefined,
): Promise<FeedPage> {
  if (!prefixes?.length) {
    const { rows } = await query<EventRow>(
      `SELECT ${COLUMNS} FROM ${table}
        WHERE position > $1 AND transaction_id < ${HORIZON} ORDER BY position LIMIT $2`,
      [from.toString(), limit],
    );
    const events = rows.map(toRecorded);
    return { events, scannedUpTo: events.at(-1)?.position ?? from };
  }
  // One statement, so that the page and the scanned bound share one snapshot and one horizon.
  const { rows } = await query<EventRow & { upto: string | null }>(
    `WITH horizon AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin),
     page AS (
       SELECT ${COLUMNS} FROM ${table}
        WHERE position > $1 AND transaction_id < (SELECT xmin FROM horizon)
          AND EXISTS (SELECT 1 FROM unnest($3::text[]) AS prefix WHERE starts_with(stream_id, prefix))
        ORDER BY position LIMIT $2),
     scanned AS (
       SELECT max(position) AS upto FROM (
         SELECT position FROM ${table}
          WHERE position > $1 AND transaction_id < (SELECT xmin FROM horizon)
          ORDER BY position LIMIT $4) AS final)
     SELECT page.*, scanned.upto FROM scanned LEFT JOIN page ON true ORDER BY page.position`,
    [from.toString(), limit, prefixes, SCAN_WINDOW],
  );
  const events = rows.filter((row) => row.position !== null).map(toRecorded);
  const last = events.at(-1)?.position ?? from;
  if (events.length === limit) return { events, scannedUpTo: last };
  // Below the horizon, positions are final in order: every row up to `upto` has been examined.
  const upto = rows[0]?.upto ? BigInt(rows[0].upto) : from;
  return { events, scannedUpTo: upto > last ? upto : last };
}

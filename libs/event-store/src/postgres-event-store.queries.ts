import { createHash } from 'node:crypto';
import type { QueryResult, QueryResultRow } from 'pg';
import type { NewEvent, RecordedEvent } from './event-store.port';
import { stringifyJson } from './event-store.rules';
import type { FeedPage } from './polling-subscription';

/** The SQL of the PostgreSQL adapter; why the feed reads below the horizon: PostgresEventStore. */

/**
 * Runs one statement. `name`: a prepared statement of that name, parsed and planned once per
 * connection (for the statements of every command; the name must stand for this exact SQL).
 */
export type Query = <R extends QueryResultRow>(
  sql: string,
  values: unknown[],
  name?: string,
) => Promise<QueryResult<R>>;

/** A prepared statement's name for this SQL (short: the server keeps 63 bytes of a name). */
const statementNames = new Map<string, string>();
export const statementName = (sql: string): string => {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `es_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return name;
};

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
  const sql = `SELECT ${COLUMNS} FROM ${table} WHERE stream_id = $1 AND version >= $2 ORDER BY version`;
  const { rows } = await query<EventRow>(
    sql,
    [streamId, fromVersion.toString()],
    statementName(sql),
  );
  return rows.map(toRecorded);
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

/** What `append_group` (see the migrations) did with one append's batch. */
export type AppendOutcome =
  /** Events already stored under the batch's ids; nothing was written. */
  | { readonly kind: 'recorded'; readonly current: bigint; readonly recorded: RecordedEvent[] }
  /** The expected version did not match, or the batch was empty; nothing was written. */
  | { readonly kind: 'current'; readonly current: bigint }
  /** The batch was inserted at versions current+1...; positions in batch order. */
  | { readonly kind: 'appended'; readonly current: bigint; readonly positions: bigint[] };

type AppendRow = {
  r_status: 'recorded' | 'current' | 'appended';
  r_current: string;
  r_position: string | null;
  r_stream_id: string | null;
  r_version: string | null;
  r_id: string | null;
  r_type: string | null;
  r_data: unknown;
  r_metadata: RecordedEvent['metadata'] | null;
};

/** One append of an `append_group` statement. */
export interface GroupedAppend {
  readonly streamId: string;
  readonly batch: readonly NewEvent[];
  /** null: any version. */
  readonly expected: bigint | null;
}

/**
 * One or several appends, to different streams, in one statement and one transaction
 * (`append_group`, see the migrations): the function takes the streams' locks, reads their
 * versions and the events already stored under the batches' ids, and, for each append where
 * nothing is recorded and `expected` matches, inserts the batch inside the append lock (taken and
 * released by the function, so after a failure the caller releases it). Outcomes in the given
 * order. The version check itself is the caller's (`checkExpectedVersion` on a 'current'
 * outcome), so every adapter refuses alike.
 */
export async function appendGroup(
  query: Query,
  functionName: string,
  lock: { readonly classId: number; readonly name: string; readonly channel: string },
  appends: readonly GroupedAppend[],
): Promise<AppendOutcome[]> {
  const owners: number[] = [];
  const ids: string[] = [];
  const types: string[] = [];
  // Data and metadata go in as JSON text of their own, one array each (no second encoding).
  const data: string[] = [];
  const metadata: string[] = [];
  appends.forEach(({ batch }, index) => {
    for (const event of batch) {
      owners.push(index);
      ids.push(event.id);
      types.push(event.type);
      data.push(stringifyJson(event.data));
      metadata.push(stringifyJson(event.metadata));
    }
  });
  const sql = `SELECT * FROM ${functionName}($1, $2, $3, $4::text[], $5::bigint[], $6::integer[], $7::uuid[], $8::text[], $9::json, $10::json)`;
  const { rows } = await query<AppendRow & { r_index: number }>(
    sql,
    [
      lock.classId,
      lock.name,
      lock.channel,
      appends.map((append) => append.streamId),
      appends.map(({ expected }) => (expected === null ? null : expected.toString())),
      owners,
      ids,
      types,
      `[${data.join(',')}]`,
      `[${metadata.join(',')}]`,
    ],
    statementName(sql),
  );
  const byAppend = appends.map((): AppendRow[] => []);
  for (const row of rows) byAppend[row.r_index].push(row);
  return appends.map(({ batch }, index) => outcomeOf(byAppend[index], batch));
}

function outcomeOf(rows: readonly AppendRow[], batch: readonly NewEvent[]): AppendOutcome {
  if (rows.length === 0) throw new Error('internal: an append without an outcome');
  const current = BigInt(rows[0].r_current);
  const kind = rows[0].r_status;
  if (kind === 'current') return { kind, current };
  if (kind === 'recorded') {
    const recorded = rows.map((row) =>
      toRecorded({
        position: row.r_position as string,
        stream_id: row.r_stream_id as string,
        version: row.r_version as string,
        id: row.r_id as string,
        type: row.r_type as string,
        data: row.r_data,
        metadata: row.r_metadata as RecordedEvent['metadata'],
      }),
    );
    return { kind, current, recorded };
  }
  const positions = rows
    .map((row) => ({
      version: BigInt(row.r_version as string),
      position: BigInt(row.r_position as string),
    }))
    .sort((a, b) => (a.version < b.version ? -1 : 1))
    .map((row) => row.position);
  if (
    positions.length !== batch.length ||
    positions.some((p, i) => i > 0 && p <= positions[i - 1])
  ) {
    throw new Error('internal: the positions of one batch are not in version order');
  }
  return { kind, current, positions };
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

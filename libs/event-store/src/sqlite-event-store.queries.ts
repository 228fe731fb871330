import type Database from 'better-sqlite3';
import type { RecordedEvent } from './event-store.port';
import type { FeedPage } from './polling-subscription';
import type { SerialisedEvent } from './sqlite-event-store.writer';

type EventRow = {
  position: bigint;
  stream_id: string;
  version: bigint;
  id: string;
  type: string;
  data: string;
  metadata: string;
};

const COLUMNS = 'position, stream_id, version, id, type, data, metadata';
/** Beyond a page that is not full, how many rows a filtered read skips past at most. */
const SCAN_WINDOW = 10_000;

const toRecorded = (row: EventRow): RecordedEvent => ({
  id: row.id,
  type: row.type,
  streamId: row.stream_id,
  version: row.version,
  position: row.position,
  data: JSON.parse(row.data),
  metadata: JSON.parse(row.metadata),
});

/** The prepared statements of the SQLite adapter (integers read as bigint). */
export class SqliteQueries {
  private readonly statements;
  private readonly pageStatements = new Map<number, Database.Statement>();

  constructor(private readonly db: Database.Database) {
    const prepare = (sql: string) => db.prepare(sql).safeIntegers(true);
    this.statements = {
      byIds: prepare(`SELECT ${COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))`),
      currentVersion: prepare(
        'SELECT COALESCE(MAX(version), 0) AS version FROM events WHERE stream_id = ?',
      ),
      insert: prepare(
        'INSERT INTO events (stream_id, version, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      stream: prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version >= ? ORDER BY version`,
      ),
      scanned: prepare(
        'SELECT MAX(position) AS upto FROM (SELECT position FROM events WHERE position > ? ORDER BY position LIMIT ?)',
      ),
    };
  }

  byIds(ids: readonly string[]): RecordedEvent[] {
    return (this.statements.byIds.all(JSON.stringify(ids)) as EventRow[]).map(toRecorded);
  }

  currentVersion(streamId: string): bigint {
    return (this.statements.currentVersion.get(streamId) as { version: bigint }).version;
  }

  /** Inserts one event, its data and metadata already JSON text; returns its position. */
  insert(streamId: string, version: bigint, event: SerialisedEvent): bigint {
    const { lastInsertRowid } = this.statements.insert.run(
      streamId,
      version,
      event.id,
      event.type,
      event.data,
      event.metadata,
    );
    return BigInt(lastInsertRowid);
  }

  stream(streamId: string, fromVersion: bigint): RecordedEvent[] {
    return (this.statements.stream.all(streamId, fromVersion) as EventRow[]).map(toRecorded);
  }

  /** A page of the feed; one read transaction, so the page and the scanned bound share a snapshot. */
  feedPage(from: bigint, limit: number, prefixes: readonly string[] | undefined): FeedPage {
    const statement = this.pageStatement(prefixes?.length ?? 0);
    return this.db.transaction((): FeedPage => {
      const events = (statement.all(from, ...(prefixes ?? []), limit) as EventRow[]).map(
        toRecorded,
      );
      const last = events.at(-1)?.position ?? from;
      if (events.length === limit || !prefixes?.length) return { events, scannedUpTo: last };
      const { upto } = this.statements.scanned.get(from, SCAN_WINDOW) as { upto: bigint | null };
      return { events, scannedUpTo: upto !== null && upto > last ? upto : last };
    })();
  }

  /** `instr(...) = 1` is a case-sensitive "starts with" that needs no LIKE escaping. */
  private pageStatement(prefixCount: number): Database.Statement {
    let statement = this.pageStatements.get(prefixCount);
    if (!statement) {
      const prefixes = Array(prefixCount).fill('instr(stream_id, ?) = 1').join(' OR ');
      const filter = prefixCount === 0 ? '' : `AND (${prefixes})`;
      statement = this.db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE position > ? ${filter} ORDER BY position LIMIT ?`,
        )
        .safeIntegers(true);
      this.pageStatements.set(prefixCount, statement);
    }
    return statement;
  }
}

import Database from 'better-sqlite3';
import { resolve } from 'node:path';
import { AppendQueue, type QueuedAppend } from './append-queue';
import { StoreUnavailableError } from './event-store.errors';
import type {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store.port';
import {
  checkExpectedVersion,
  checkFeedArgs,
  normaliseBatch,
  replayedResult,
} from './event-store.rules';
import { startPollingSubscription, SubscriptionRegistry } from './polling-subscription';
import { SqliteQueries } from './sqlite-event-store.queries';
import { migrateSqlite } from './sqlite-event-store.schema';

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' (a private database, for tests). */
  readonly path: string;
  /** How often subscriptions look for appends made by other processes. Default 200 ms. */
  readonly pollIntervalMs?: number;
  /** How long a write waits for another connection's write lock. Default 10 s. */
  readonly busyTimeoutMs?: number;
}

/** Appends in this process wake the subscriptions of every store open on the same file at once. */
const appendListeners = new Map<string, Set<() => void>>();

/** An append waiting for the next group commit. */
type AppendOutcome =
  | { readonly ok: true; readonly result: AppendResult; readonly written: boolean }
  | { readonly ok: false; readonly error: unknown };

/**
 * The embedded default: one SQLite file in WAL mode. SQLite has one writer at a time and positions
 * come from AUTOINCREMENT inside the write transaction, so commit order is position order and
 * readers can never see a gap that fills later.
 *
 * Group commit: appends are queued and written at the end of the event loop turn (setImmediate),
 * all those queued in one turn in ONE transaction, so they share one fsync. Each append runs in a
 * savepoint of its own with its own checks, exactly as alone: a refused append (expected version,
 * event id) rolls back only itself. Every promise settles after the commit that made it durable,
 * or rejects with every append of the group when that commit fails.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly key: string;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new SubscriptionRegistry();
  private closed = false;
  private readonly queries: SqliteQueries;
  private readonly appends = new AppendQueue((group) => this.write(group));
  private readonly groupTransaction: Database.Transaction<
    (group: readonly QueuedAppend[]) => AppendOutcome[]
  >;
  private readonly appendTransaction: Database.Transaction<
    (
      streamId: string,
      batch: readonly NewEvent[],
      expected: ExpectedVersion,
    ) => { result: AppendResult; written: boolean }
  >;

  constructor(options: SqliteEventStoreOptions) {
    const inMemory = options.path === ':memory:' || options.path === '';
    this.key = inMemory ? `memory:${Math.random()}` : resolve(options.path);
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
    let db: Database.Database | undefined;
    try {
      db = new Database(options.path, { timeout: options.busyTimeoutMs ?? 10_000 });
      if (!inMemory) db.pragma('journal_mode = WAL');
      // FULL: an acknowledged append survives a power cut (the store is the source of truth).
      db.pragma('synchronous = FULL');
      migrateSqlite(db);
    } catch (error) {
      db?.close();
      throw mapSqliteError(error);
    }
    this.db = db;
    this.queries = new SqliteQueries(this.db);
    this.appendTransaction = this.db.transaction((streamId, batch, expected) => {
      const replay = replayedResult(streamId, batch, this.queries.byIds(batch.map((e) => e.id)));
      if (replay) return { result: replay, written: false };
      const current = this.queries.currentVersion(streamId);
      checkExpectedVersion(streamId, expected, current);
      const positions = batch.map((event, index) =>
        this.queries.insert(streamId, current + BigInt(index + 1), event),
      );
      const nextVersion = current + BigInt(batch.length);
      return { result: { nextVersion, positions }, written: batch.length > 0 };
    });
    // Nested in the group's transaction, each appendTransaction call is a savepoint.
    this.groupTransaction = this.db.transaction((group) =>
      group.map((append): AppendOutcome => {
        try {
          return {
            ok: true,
            ...this.appendTransaction(append.streamId, append.batch, append.expected),
          };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const batch = normaliseBatch(streamId, events);
    this.assertOpen();
    return this.appends.add(streamId, batch, expected);
  }

  /** Writes the appends of a turn in one transaction (one fsync), then settles their promises. */
  private write(group: QueuedAppend[]): void {
    let outcomes: AppendOutcome[];
    try {
      outcomes = this.guard(() => this.groupTransaction.immediate(group));
    } catch (error) {
      for (const append of group) append.reject(error);
      return;
    }
    let written = false;
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) {
        written ||= outcome.written;
        group[index].resolve(outcome.result);
      } else {
        group[index].reject(mapSqliteError(outcome.error));
      }
    });
    if (written) appendListeners.get(this.key)?.forEach((listener) => listener());
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return this.guard(() => this.queries.stream(streamId, options.fromVersion ?? 1n));
  }

  async readAll(
    from: bigint,
    limit: number,
    options: ReadAllOptions = {},
  ): Promise<RecordedEvent[]> {
    checkFeedArgs(from, limit);
    return this.guard(() => this.queries.feedPage(from, limit, options.streamPrefixes)).events;
  }

  subscribe(from: bigint, handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    checkFeedArgs(from);
    this.assertOpen();
    const feed = {
      readPage: async (cursor: bigint, limit: number, prefixes: readonly string[] | undefined) =>
        this.guard(() => this.queries.feedPage(cursor, limit, prefixes)),
      onAppend: (listener: () => void) => this.listen(listener),
    };
    return this.subscriptions.track(
      startPollingSubscription(feed, from, handler, {
        ...options,
        pollIntervalMs: this.pollIntervalMs,
      }),
    );
  }

  async ping(): Promise<void> {
    this.guard(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are written before the file closes.
    this.appends.flush();
    this.closed = true;
    await this.subscriptions.stopAll();
    this.db.close();
  }

  private listen(listener: () => void): () => void {
    const listeners = appendListeners.get(this.key) ?? new Set();
    appendListeners.set(this.key, listeners);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) appendListeners.delete(this.key);
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the SQLite event store is closed');
  }

  private guard<T>(work: () => T): T {
    this.assertOpen();
    try {
      return work();
    } catch (error) {
      throw mapSqliteError(error);
    }
  }
}

const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|NOTADB|CORRUPT|PROTOCOL)/;

function mapSqliteError(error: unknown): unknown {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return typeof code === 'string' && UNAVAILABLE.test(code)
    ? new StoreUnavailableError(`SQLite: ${String(message)}`, { cause: error })
    : error;
}

import { Pool, type PoolClient } from 'pg';
import { AppendQueue, type QueuedAppend } from './append-queue';
import {
  EventIdConflictError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from './event-store.errors';
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
import { mapPostgresError, violatedConstraint } from './postgres-event-store.errors';
import { AppendListener } from './postgres-event-store.listener';
import {
  appendGroup,
  type AppendOutcome,
  type Query,
  selectCurrentVersion,
  selectFeedPage,
  selectStream,
} from './postgres-event-store.queries';
import { LOCK_CLASS, migratePostgres, quoteSchema } from './postgres-event-store.schema';

export interface PostgresEventStoreOptions {
  readonly connectionString: string;
  /** Schema holding the tables, created if missing. Default 'public'. */
  readonly schema?: string;
  readonly poolSize?: number;
  /** Subscriptions poll this often when no notification arrives. Default 500 ms. */
  readonly pollIntervalMs?: number;
  /** Test seam: awaited inside every append transaction just before COMMIT (a slow writer). */
  readonly beforeCommit?: () => Promise<void>;
}

/**
 * PostgreSQL adapter. The concurrent-writer gap problem: `position` comes from a sequence, so a
 * transaction can take position 10, another take 11 and commit first; a reader that saw 11 and
 * checkpointed it would never see 10. Two rules close the gap:
 *
 * 1. Positions are allocated in transaction-id order. An append's INSERT runs inside a session
 *    advisory lock (LOCK_CLASS.append, per schema) taken and released by the one statement that
 *    makes the append (the `append_group` function, see the migrations), and nothing before it
 *    writes, so getting a transaction id (at the first insert) and drawing positions is one step
 *    no other append interleaves with: for any two appends, the one with the lower
 *    `transaction_id` has all the lower positions. The lock is not held until COMMIT, so commits
 *    still overlap and their WAL flushes are grouped.
 * 2. Readers only return rows with `transaction_id < pg_snapshot_xmin(pg_current_snapshot())`: every
 *    transaction below the oldest still running has finished, so such a row is final (committed and
 *    visible, or rolled back and never visible). By rule 1, every position below a returned row
 *    belongs to a transaction below the horizon too, hence is final: a reader never returns a
 *    position while a lower one can still appear. Positions seen are strictly increasing.
 *
 * The price: a long-running write transaction anywhere in the cluster holds the horizon back, which
 * delays (never loses) the feed; keep write transactions short. Per-stream consistency does not use
 * the horizon: readStream sees every committed event, and appends to one stream are serialised by a
 * transaction advisory lock on the stream id, checked, then inserted (the unique (stream_id,
 * version) constraint is the last line of defence). Appends NOTIFY in their transaction; the
 * subscriptions listen and also poll. An append is one statement in its own transaction: one
 * round trip to the server; the appends to different streams queued in one event loop turn share
 * that statement and transaction (`append_group`, the same rules per append), so concurrent
 * commands share commits.
 */
export class PostgresEventStore implements EventStore {
  private readonly subscriptions = new SubscriptionRegistry();
  private readonly table: string;
  private readonly channel: string;
  private readonly listener: AppendListener;
  private readonly appendLock: { classId: number; name: string; channel: string };
  private readonly groupFunction: string;
  private readonly appends = new AppendQueue((queued) => this.send(queued));
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per stream, the last group sent with an append to it, until it is answered. */
  private readonly streamTails = new Map<string, Promise<void>>();
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly options: PostgresEventStoreOptions,
  ) {
    const schema = options.schema ?? 'public';
    this.table = `${quoteSchema(schema)}.events`;
    this.channel = `event_store_${schema}`.slice(0, 63);
    this.appendLock = { classId: LOCK_CLASS.append, name: schema, channel: this.channel };
    this.groupFunction = `${quoteSchema(schema)}.append_group`;
    this.listener = new AppendListener(
      { connectionString: options.connectionString },
      this.channel,
    );
  }

  /** Connects and applies pending migrations. @throws StoreUnavailableError */
  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 5_000,
    });
    // An idle client that loses its connection is discarded by the pool; the next query reconnects.
    pool.on('error', () => undefined);
    // A checked-out client (in a transaction) whose server connection is ended between two
    // queries emits 'error' with no pool listener on it: that would crash the process. Its next
    // query fails instead (StoreUnavailableError) and the pool discards it on release.
    pool.on('connect', (client) => client.on('error', () => undefined));
    try {
      await migratePostgres(pool, quoteSchema(options.schema ?? 'public'));
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw mapPostgresError(error);
    }
    return new PostgresEventStore(pool, options);
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const batch = normaliseBatch(streamId, events);
    if (this.closed) throw new StoreUnavailableError('the PostgreSQL event store is closed');
    // The test seam wraps one append in a transaction of its own: no grouping.
    if (this.options.beforeCommit) return this.track(this.appendOne({ streamId, batch, expected }));
    return this.appends.add(streamId, batch, expected);
  }

  /**
   * Sends the appends queued in this event loop turn: appends to different streams share one
   * statement and one transaction (`append_group`: one round trip, one commit), at most
   * MAX_GROUP each; a second append to a stream already in a group goes in another group. Appends
   * to one stream are made in the order they were asked for: a group is sent once every earlier
   * group with one of its streams has been answered (`streamTails`), in this turn or an earlier
   * one.
   */
  private send(queued: QueuedAppend[]): void {
    const groups: Array<{ streams: Set<string>; appends: QueuedAppend[] }> = [];
    for (const append of queued) {
      let group = groups.find(
        (candidate) =>
          !candidate.streams.has(append.streamId) && candidate.appends.length < MAX_GROUP,
      );
      if (!group) {
        group = { streams: new Set(), appends: [] };
        groups.push(group);
      }
      group.streams.add(append.streamId);
      group.appends.push(append);
    }
    for (const { streams, appends } of groups) {
      const earlier = [...streams].flatMap((stream) => this.streamTails.get(stream) ?? []);
      const sent =
        earlier.length === 0
          ? this.sendGroup(appends)
          : Promise.allSettled(earlier).then(() => this.sendGroup(appends));
      const tail = this.track(sent);
      for (const stream of streams) this.streamTails.set(stream, tail);
      const forget = () => {
        for (const stream of streams)
          if (this.streamTails.get(stream) === tail) this.streamTails.delete(stream);
      };
      void tail.then(forget, forget);
    }
  }

  /**
   * Answers every append of a group (never rejects). A group whose statement fails as a whole is
   * answered StoreUnavailableError when the database is away, else (an id recorded concurrently
   * under another stream) sent again one append at a time, so each append gets its own answer.
   */
  private async sendGroup(appends: readonly QueuedAppend[]): Promise<void> {
    if (appends.length === 1) {
      const [only] = appends;
      await this.appendOne(only).then(only.resolve, only.reject);
      return;
    }
    await this.appendTogether(appends).catch(async (error: unknown) => {
      const failure = mapPostgresError(error);
      if (failure instanceof StoreUnavailableError) {
        // Unavailable for one is unavailable for all: answer at once, without a retry each.
        for (const append of appends) append.reject(failure);
        return;
      }
      await Promise.all(
        appends.map((append) => this.appendOne(append).then(append.resolve, append.reject)),
      );
    });
  }

  /** Several appends in one statement; each promise settles with its own answer. */
  private async appendTogether(appends: readonly QueuedAppend[]): Promise<void> {
    const outcomes = await this.appendStatement(appends);
    appends.forEach((append, index) => {
      try {
        append.resolve(resultOf(outcomes[index], append));
      } catch (error) {
        append.reject(error);
      }
    });
  }

  /** One append in a statement of its own, with the port's errors. */
  private async appendOne(append: AppendRequest): Promise<AppendResult> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.appendStatement([append]);
    } catch (error) {
      throw await this.translate(error, append.streamId, append.batch, append.expected);
    }
    return resultOf(outcomes[0], append);
  }

  /**
   * One `append_group` statement (one round trip, its own transaction); with the test seam, in
   * an explicit transaction that waits for the seam before COMMIT. Returns each append's outcome.
   */
  private async appendStatement(appends: readonly AppendRequest[]): Promise<AppendOutcome[]> {
    const client = await this.client();
    const query: Query = (text, values, name) => client.query({ text, values, name });
    const seam = this.options.beforeCommit;
    let broken: Error | undefined;
    let statementFailed = false;
    try {
      if (seam) await client.query('BEGIN');
      const outcomes = await appendGroup(
        query,
        this.groupFunction,
        this.appendLock,
        appends.map(({ streamId, batch, expected }) => ({
          streamId,
          batch,
          expected: expectedForSql(expected),
        })),
      ).catch((error: unknown) => {
        statementFailed = true;
        throw error;
      });
      const written = outcomes.some((outcome) => outcome.kind === 'appended');
      if (seam) {
        if (written) await seam();
        await client.query('COMMIT');
      }
      if (written) this.listener.notifyLocal();
      return outcomes;
    } catch (error) {
      if (seam) await client.query('ROLLBACK').catch((failure: Error) => (broken = failure));
      if (statementFailed) {
        // It may have failed inside the append lock, which outlives the transaction.
        await this.releaseAppendLock(client).catch((failure: Error) => (broken = failure));
      }
      throw error;
    } finally {
      // A client whose session state is unknown (lock possibly held) is destroyed, not reused.
      client.release(broken);
    }
  }

  private async releaseAppendLock(client: PoolClient): Promise<void> {
    await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [
      this.appendLock.classId,
      this.appendLock.name,
    ]);
  }

  /** Keeps `work` among the appends that close() waits for. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    return selectStream(this.query, this.table, streamId, options.fromVersion ?? 1n);
  }

  async readAll(
    from: bigint,
    limit: number,
    options: ReadAllOptions = {},
  ): Promise<RecordedEvent[]> {
    checkFeedArgs(from, limit);
    return (await selectFeedPage(this.query, this.table, from, limit, options.streamPrefixes))
      .events;
  }

  subscribe(from: bigint, handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    checkFeedArgs(from);
    if (this.closed) throw new StoreUnavailableError('the PostgreSQL event store is closed');
    const feed = {
      readPage: (cursor: bigint, limit: number, prefixes: readonly string[] | undefined) =>
        selectFeedPage(this.query, this.table, cursor, limit, prefixes),
      onAppend: (listener: () => void) => this.listener.add(listener),
    };
    const pollIntervalMs = this.options.pollIntervalMs ?? 500;
    return this.subscriptions.track(
      startPollingSubscription(feed, from, handler, { ...options, pollIntervalMs }),
    );
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1', []);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are sent, and answered, before the pool ends.
    this.appends.flush();
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
    await this.subscriptions.stopAll();
    await this.listener.close();
    await this.pool.end();
  }

  /** Turns a failed append into the port's errors. */
  private async translate(
    error: unknown,
    streamId: string,
    batch: readonly NewEvent[],
    expected: ExpectedVersion,
  ) {
    const constraint = violatedConstraint(error);
    if (constraint === 'events_stream_version_key') {
      const actual = await selectCurrentVersion(this.query, this.table, streamId).catch(() => -1n);
      return new WrongExpectedVersionError(streamId, expected, actual);
    }
    if (constraint === 'events_id_key') {
      return new EventIdConflictError(
        streamId,
        batch.map((event) => event.id),
        'an id was recorded concurrently',
      );
    }
    return mapPostgresError(error);
  }

  private async client(): Promise<PoolClient> {
    if (this.closed) throw new StoreUnavailableError('the PostgreSQL event store is closed');
    try {
      return await this.pool.connect();
    } catch (error) {
      throw mapPostgresError(error);
    }
  }

  /** Pool queries, with the port's errors. */
  private readonly query: Query = async (text, values, name) => {
    if (this.closed) throw new StoreUnavailableError('the PostgreSQL event store is closed');
    try {
      return await this.pool.query({ text, values, name });
    } catch (error) {
      throw mapPostgresError(error);
    }
  };
}

/** `expected` as `append_group` takes it: null for any; an invalid one never matches (-1). */
function expectedForSql(expected: ExpectedVersion): bigint | null {
  if (expected === 'any') return null;
  if (expected === 'no-stream') return 0n;
  return typeof expected === 'bigint' && expected >= 0n ? expected : -1n;
}

/** Appends sent in one statement at most. */
const MAX_GROUP = 64;

interface AppendRequest {
  readonly streamId: string;
  readonly batch: readonly NewEvent[];
  readonly expected: ExpectedVersion;
}

/** The port's answer to what the append function did: a result, or the version refusal. */
function resultOf(
  outcome: AppendOutcome,
  { streamId, batch, expected }: AppendRequest,
): AppendResult {
  if (outcome.kind === 'appended') {
    return { nextVersion: outcome.current + BigInt(batch.length), positions: outcome.positions };
  }
  const replay =
    outcome.kind === 'recorded' ? replayedResult(streamId, batch, outcome.recorded) : null;
  if (!replay) checkExpectedVersion(streamId, expected, outcome.current);
  return replay ?? { nextVersion: outcome.current, positions: [] };
}

import { sql, type ColumnType, type Kysely } from 'kysely';
import type { SqlDatabase } from '../database/sql-database';

type Millis = ColumnType<number | string, number, number>;

interface IdempotencyKeysTable {
  scope_hash: string;
  idempotency_key: string;
  scope: string;
  fingerprint: string;
  state: 'in-flight' | 'done';
  outcome: 'response' | 'problem' | null;
  status_code: number | null;
  response_body: string | null;
  response_headers: string | null;
  created_at: Millis;
  updated_at: Millis;
  expires_at: Millis;
}

interface IdempotencyTables {
  idempotency_keys: IdempotencyKeysTable;
}

/** Which request a key belongs to. */
export interface IdempotencyScope {
  readonly scope: string;
  readonly scopeHash: string;
  readonly key: string;
}

/** The answer stored for a key: a response (the handler's value) or a problem (a refusal). */
export interface StoredAnswer {
  readonly outcome: 'response' | 'problem';
  readonly status: number;
  /** JSON text; null when the handler returned nothing. */
  readonly body: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

export type IdempotencyRecord =
  | { readonly state: 'in-flight'; readonly fingerprint: string; readonly updatedAt: number }
  | { readonly state: 'done'; readonly fingerprint: string; readonly answer: StoredAnswer };

interface PendingAnswer {
  readonly id: IdempotencyScope;
  readonly answer: StoredAnswer;
  readonly now: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The rows of `idempotency_keys` (see IDEMPOTENCY_MIGRATIONS).
 *
 * Durability: a stored answer (`complete`) is on disk before the request is answered, so a
 * replay after a crash gets it. A claim is only a lease of a request in flight: on SQLite it is
 * committed without its own fsync (WAL, `synchronous = NORMAL` for that one statement; the next
 * durable commit of the file flushes it too). Lost in a power cut, it is as if its process had
 * died, which it did: a retry runs the request again, as it would once the lease expired.
 * The answers stored within one event loop turn share one transaction and so one fsync.
 */
export class IdempotencyStore {
  private readonly db: Kysely<IdempotencyTables>;
  private readonly onSqliteFile: boolean;
  private pendingAnswers: PendingAnswer[] = [];

  constructor(database: SqlDatabase) {
    this.db = database.db;
    this.onSqliteFile = database.kind === 'sqlite' && database.sqliteFile !== undefined;
  }

  /** Inserts an in-flight row; false when the scope already has this key. */
  async claim(
    id: IdempotencyScope,
    fingerprint: string,
    now: number,
    retentionMs: number,
  ): Promise<boolean> {
    if (!this.onSqliteFile) return this.insertClaim(this.db, id, fingerprint, now, retentionMs);
    // One connection (Kysely's SQLite driver has one), held for the three statements.
    return this.db.connection().execute(async (connection) => {
      await sql`PRAGMA synchronous = NORMAL`.execute(connection);
      try {
        return await this.insertClaim(connection, id, fingerprint, now, retentionMs);
      } finally {
        await sql`PRAGMA synchronous = FULL`.execute(connection);
      }
    });
  }

  private async insertClaim(
    db: Kysely<IdempotencyTables>,
    id: IdempotencyScope,
    fingerprint: string,
    now: number,
    retentionMs: number,
  ): Promise<boolean> {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({
        scope_hash: id.scopeHash,
        idempotency_key: id.key,
        scope: id.scope,
        fingerprint,
        state: 'in-flight',
        outcome: null,
        status_code: null,
        response_body: null,
        response_headers: null,
        created_at: now,
        updated_at: now,
        expires_at: now + retentionMs,
      })
      .onConflict((conflict) => conflict.columns(['scope_hash', 'idempotency_key']).doNothing())
      .returning('state')
      .execute();
    return inserted.length === 1;
  }

  async find(id: IdempotencyScope, now: number): Promise<IdempotencyRecord | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope_hash', '=', id.scopeHash)
      .where('idempotency_key', '=', id.key)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.state === 'in-flight') {
      return {
        state: 'in-flight',
        fingerprint: row.fingerprint,
        updatedAt: Number(row.updated_at),
      };
    }
    return {
      state: 'done',
      fingerprint: row.fingerprint,
      answer: {
        outcome: row.outcome === 'problem' ? 'problem' : 'response',
        status: Number(row.status_code),
        body: row.response_body,
        headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
      },
    };
  }

  /**
   * Stores the answer durably. On a SQLite file the answers stored in one event loop turn are
   * written in one transaction (one fsync for all of them); each promise settles after that commit.
   */
  complete(id: IdempotencyScope, answer: StoredAnswer, now: number): Promise<void> {
    if (!this.onSqliteFile) return this.update(this.db, id, answer, now);
    return new Promise<void>((resolve, reject) => {
      this.pendingAnswers.push({ id, answer, now, resolve, reject });
      if (this.pendingAnswers.length === 1) setImmediate(() => void this.flushAnswers());
    });
  }

  private async flushAnswers(): Promise<void> {
    const batch = this.pendingAnswers;
    this.pendingAnswers = [];
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const { id, answer, now } of batch) await this.update(trx, id, answer, now);
      });
      for (const pending of batch) pending.resolve();
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  private async update(
    db: Kysely<IdempotencyTables>,
    id: IdempotencyScope,
    answer: StoredAnswer,
    now: number,
  ): Promise<void> {
    await db
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        outcome: answer.outcome,
        status_code: answer.status,
        response_body: answer.body,
        response_headers: JSON.stringify(answer.headers),
        updated_at: now,
      })
      .where('scope_hash', '=', id.scopeHash)
      .where('idempotency_key', '=', id.key)
      .execute();
  }

  /** Forgets an in-flight key (the request failed on our side), so a retry runs again. */
  async release(id: IdempotencyScope): Promise<void> {
    await this.db
      .deleteFrom('idempotency_keys')
      .where('scope_hash', '=', id.scopeHash)
      .where('idempotency_key', '=', id.key)
      .where('state', '=', 'in-flight')
      .execute();
  }

  /** Takes over a row in flight since before `staleBefore` (its process died); true if taken. */
  async takeOver(id: IdempotencyScope, staleBefore: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('idempotency_keys')
      .set({ updated_at: now })
      .where('scope_hash', '=', id.scopeHash)
      .where('idempotency_key', '=', id.key)
      .where('state', '=', 'in-flight')
      .where('updated_at', '<', staleBefore)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Removes expired rows: every one (a purge), or only this key's, before claiming it anew. */
  async deleteExpired(now: number, id?: IdempotencyScope): Promise<void> {
    let query = this.db.deleteFrom('idempotency_keys').where('expires_at', '<=', now);
    if (id) {
      query = query.where('scope_hash', '=', id.scopeHash).where('idempotency_key', '=', id.key);
    }
    await query.execute();
  }
}

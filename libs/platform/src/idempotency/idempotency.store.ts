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

/** A write waiting for the end of the event loop turn (SQLite file). */
type PendingWrite =
  | {
      readonly kind: 'claim';
      readonly id: IdempotencyScope;
      readonly fingerprint: string;
      readonly now: number;
      readonly retentionMs: number;
      readonly resolve: (claimed: boolean) => void;
      readonly reject: (error: unknown) => void;
    }
  | {
      readonly kind: 'answer';
      readonly id: IdempotencyScope;
      readonly answer: StoredAnswer;
      readonly now: number;
      readonly resolve: (done: true) => void;
      readonly reject: (error: unknown) => void;
    };

/**
 * The rows of `idempotency_keys` (see IDEMPOTENCY_MIGRATIONS).
 *
 * Durability: a stored answer (`complete`) is on disk before the request is answered, so a
 * replay after a crash gets it. A claim is only a lease of a request in flight: on SQLite it is
 * committed without its own fsync (WAL, `synchronous = NORMAL` for that commit; the next durable
 * commit of the file flushes it too). Lost in a power cut, it is as if its process had died,
 * which it did: a retry runs the request again, as it would once the lease expired.
 *
 * On a SQLite file the claims and answers of one event loop turn are written in one transaction,
 * one commit for all of them (durable, with its fsync, when it holds an answer); each promise
 * settles after that commit. Should the transaction fail, none of it is written and every write
 * of the turn is refused with its error: a claim refused is a request refused, an answer refused
 * is sent anyway and its key waits for the lease (see IdempotencyGuard).
 */
export class IdempotencyStore {
  private readonly db: Kysely<IdempotencyTables>;
  private readonly onSqliteFile: boolean;
  private pendingWrites: PendingWrite[] = [];

  constructor(database: SqlDatabase) {
    this.db = database.db;
    this.onSqliteFile = database.kind === 'sqlite' && database.sqliteFile !== undefined;
  }

  /** Inserts an in-flight row; false when the scope already has this key. */
  claim(
    id: IdempotencyScope,
    fingerprint: string,
    now: number,
    retentionMs: number,
  ): Promise<boolean> {
    if (!this.onSqliteFile) return this.insertClaim(this.db, id, fingerprint, now, retentionMs);
    return new Promise<boolean>((resolve, reject) =>
      this.queue({ kind: 'claim', id, fingerprint, now, retentionMs, resolve, reject }),
    );
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

  /** Stores the answer durably (on a SQLite file, with the other writes of the turn). */
  async complete(id: IdempotencyScope, answer: StoredAnswer, now: number): Promise<void> {
    if (!this.onSqliteFile) return this.update(this.db, id, answer, now);
    await new Promise<true>((resolve, reject) =>
      this.queue({ kind: 'answer', id, answer, now, resolve, reject }),
    );
  }

  private queue(write: PendingWrite): void {
    this.pendingWrites.push(write);
    if (this.pendingWrites.length === 1) setImmediate(() => void this.flushWrites());
  }

  /** The turn's writes in one transaction on the one connection (Kysely's SQLite driver has one). */
  private async flushWrites(): Promise<void> {
    const batch = this.pendingWrites;
    this.pendingWrites = [];
    const durable = batch.some((write) => write.kind === 'answer');
    try {
      const claimed = await this.db.connection().execute(async (connection) => {
        if (!durable) await sql`PRAGMA synchronous = NORMAL`.execute(connection);
        try {
          return await connection.transaction().execute(async (trx) => {
            const results: boolean[] = [];
            for (const write of batch) {
              if (write.kind === 'claim') {
                const { id, fingerprint, now, retentionMs } = write;
                results.push(await this.insertClaim(trx, id, fingerprint, now, retentionMs));
              } else {
                await this.update(trx, write.id, write.answer, write.now);
                results.push(true);
              }
            }
            return results;
          });
        } finally {
          if (!durable) await sql`PRAGMA synchronous = FULL`.execute(connection);
        }
      });
      batch.forEach((write, n) => {
        if (write.kind === 'claim') write.resolve(claimed[n]);
        else write.resolve(true);
      });
    } catch (error) {
      for (const write of batch) write.reject(error);
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

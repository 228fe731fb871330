import { sql, type ColumnType, type Kysely } from 'kysely';
import { TurnQueue } from '@engine/event-store';
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

interface PendingClaim {
  readonly kind: 'claim';
  readonly id: IdempotencyScope;
  readonly fingerprint: string;
  readonly now: number;
  readonly retentionMs: number;
  readonly resolve: (claimed: boolean) => void;
  readonly reject: (error: unknown) => void;
}

interface PendingAnswer {
  readonly kind: 'answer';
  readonly id: IdempotencyScope;
  readonly answer: StoredAnswer;
  readonly now: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Rows per statement: at most 12 parameters each, far below SQLite's and PostgreSQL's limits. */
const ROWS_PER_STATEMENT = 200;

/**
 * The rows of `idempotency_keys` (see IDEMPOTENCY_MIGRATIONS).
 *
 * Writes are gathered per event loop turn: the turn's claims are one multi-row insert, its answers
 * one multi-row update, so a busy API pays two statements per turn instead of two per request.
 * Each promise settles once its statement is committed. On a SQLite file both statements share one
 * transaction, one commit; on PostgreSQL each commits by itself. Should a statement fail, every
 * write in it (on a SQLite file, every write of the turn) is refused with its error and none is
 * recorded: a claim refused is a request refused, an answer refused is sent anyway and its key
 * waits for the lease (IdempotencyGuard).
 *
 * Durability: a stored answer is on disk before the request is answered, so a replay after a
 * crash gets it. A claim is only a lease of a request in flight: on SQLite a commit of claims
 * alone skips its fsync (WAL, `synchronous = NORMAL` for that commit; the next durable commit of
 * the file flushes it too). Lost in a power cut, it is as if its process had died, which it did:
 * a retry runs the request again, as it would once the lease expired.
 */
export class IdempotencyStore {
  private readonly db: Kysely<IdempotencyTables>;
  private readonly onSqliteFile: boolean;
  private readonly writes = new TurnQueue<PendingClaim | PendingAnswer>((batch) =>
    this.write(batch),
  );

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
    return new Promise<boolean>((resolve, reject) => {
      this.writes.push({ kind: 'claim', id, fingerprint, now, retentionMs, resolve, reject });
    });
  }

  /** Stores the answer durably. */
  complete(id: IdempotencyScope, answer: StoredAnswer, now: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.writes.push({ kind: 'answer', id, answer, now, resolve, reject });
    });
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

  /** The writes of one turn: its claims in one statement, its answers in another. */
  private write(batch: (PendingClaim | PendingAnswer)[]): void {
    const claims = batch.filter((write): write is PendingClaim => write.kind === 'claim');
    const answers = batch.filter((write): write is PendingAnswer => write.kind === 'answer');
    if (this.onSqliteFile) void this.writeTogether(claims, answers);
    else void Promise.all([this.writeClaims(claims), this.writeAnswers(answers)]);
  }

  /** Inserts the claims and settles each; a failure refuses them all. */
  private async writeClaims(claims: PendingClaim[]): Promise<void> {
    if (claims.length === 0) return;
    try {
      const won = await this.insertClaims(this.db, claims);
      claims.forEach((claim, n) => claim.resolve(won[n]));
    } catch (error) {
      for (const claim of claims) claim.reject(error);
    }
  }

  /** Updates the answered rows and settles each; a failure refuses them all. */
  private async writeAnswers(answers: PendingAnswer[]): Promise<void> {
    if (answers.length === 0) return;
    try {
      await this.updateAnswers(this.db, answers);
      for (const answer of answers) answer.resolve();
    } catch (error) {
      for (const answer of answers) answer.reject(error);
    }
  }

  /** SQLite file: claims and answers in one transaction on the one connection, one commit. */
  private async writeTogether(claims: PendingClaim[], answers: PendingAnswer[]): Promise<void> {
    const durable = answers.length > 0;
    try {
      const won = await this.db.connection().execute(async (connection) => {
        if (!durable) await sql`PRAGMA synchronous = NORMAL`.execute(connection);
        try {
          return await connection.transaction().execute(async (trx) => {
            const claimed = await this.insertClaims(trx, claims);
            await this.updateAnswers(trx, answers);
            return claimed;
          });
        } finally {
          if (!durable) await sql`PRAGMA synchronous = FULL`.execute(connection);
        }
      });
      claims.forEach((claim, n) => claim.resolve(won[n]));
      for (const answer of answers) answer.resolve();
    } catch (error) {
      for (const write of [...claims, ...answers]) write.reject(error);
    }
  }

  /**
   * Whether each claim won its key: the first claim of a key in the batch is inserted (unless the
   * key is taken already), any later one of the same key lost to it.
   */
  private async insertClaims(
    db: Kysely<IdempotencyTables>,
    claims: readonly PendingClaim[],
  ): Promise<boolean[]> {
    const firsts = new Map<string, PendingClaim>();
    for (const claim of claims) {
      const key = rowKey(claim.id);
      if (!firsts.has(key)) firsts.set(key, claim);
    }
    const inserted = new Set<string>();
    for (const chunk of chunks(inRowOrder([...firsts.values()]))) {
      const rows = await db
        .insertInto('idempotency_keys')
        .values(
          chunk.map(({ id, fingerprint, now, retentionMs }) => ({
            scope_hash: id.scopeHash,
            idempotency_key: id.key,
            scope: id.scope,
            fingerprint,
            state: 'in-flight' as const,
            outcome: null,
            status_code: null,
            response_body: null,
            response_headers: null,
            created_at: now,
            updated_at: now,
            expires_at: now + retentionMs,
          })),
        )
        .onConflict((conflict) => conflict.columns(['scope_hash', 'idempotency_key']).doNothing())
        .returning(['scope_hash', 'idempotency_key'])
        .execute();
      for (const row of rows) {
        inserted.add(rowKey({ scopeHash: row.scope_hash, key: row.idempotency_key }));
      }
    }
    return claims.map((claim) => {
      const key = rowKey(claim.id);
      return firsts.get(key) === claim && inserted.has(key);
    });
  }

  /** Marks the rows done with their answers (`VALUES` columns are column1.. in both dialects). */
  private async updateAnswers(
    db: Kysely<IdempotencyTables>,
    answers: readonly PendingAnswer[],
  ): Promise<void> {
    for (const chunk of chunks(inRowOrder(answers))) {
      const rows = chunk.map(
        ({ id, answer, now }) =>
          sql`(${id.scopeHash}, ${id.key}, ${answer.outcome}, CAST(${answer.status} AS integer), ${answer.body}, ${JSON.stringify(answer.headers)}, CAST(${now} AS bigint))`,
      );
      await sql`
        UPDATE idempotency_keys
        SET state = 'done', outcome = v.column3, status_code = v.column4,
            response_body = v.column5, response_headers = v.column6, updated_at = v.column7
        FROM (VALUES ${sql.join(rows)}) AS v
        WHERE idempotency_keys.scope_hash = v.column1
          AND idempotency_keys.idempotency_key = v.column2`.execute(db);
    }
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

/** A row's primary key as one string (a scope hash is hex: the space cannot be part of it). */
const rowKey = ({ scopeHash, key }: Pick<IdempotencyScope, 'scopeHash' | 'key'>): string =>
  `${scopeHash} ${key}`;

/**
 * Writes sorted by their row: two processes writing rows in opposite orders in statements that
 * overlap would each wait for a row the other holds (a deadlock PostgreSQL breaks by failing one);
 * in one order the later one only waits.
 */
function inRowOrder<T extends { readonly id: IdempotencyScope }>(writes: readonly T[]): T[] {
  return writes
    .map((write) => ({ write, key: rowKey(write.id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ write }) => write);
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let first = 0; first < items.length; first += ROWS_PER_STATEMENT) {
    out.push(items.slice(first, first + ROWS_PER_STATEMENT));
  }
  return out;
}

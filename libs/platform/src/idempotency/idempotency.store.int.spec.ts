import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { createSqlDatabase, type SqlDatabase } from '../database/sql-database';
import { IDEMPOTENCY_MIGRATIONS } from './idempotency.migrations';
import { IdempotencyStore } from './idempotency.store';

describe('IdempotencyStore on a SQLite file', () => {
  let dir: string;
  let database: SqlDatabase;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'idempotency-store-'));
    database = await createSqlDatabase({ kind: 'sqlite', sqlitePath: join(dir, 'read.db') });
    await database.migrate(IDEMPOTENCY_MIGRATIONS);
  });

  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const synchronous = async () =>
    (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(database.db)).rows[0]
      .synchronous;
  const id = { scope: '["u","POST","/x",{}]', scopeHash: 'h', key: 'k-1' };

  it('claims once, leaves the connection durable (synchronous FULL) and keeps the answer across a reopen', async () => {
    const store = new IdempotencyStore(database);
    const now = Date.now();
    const [first, second] = await Promise.all([
      store.claim(id, 'f', now, 60_000),
      store.claim(id, 'f', now, 60_000),
    ]);
    expect([first, second].sort()).toEqual([false, true]);
    expect(await synchronous()).toBe(2);
    await store.complete(
      id,
      { outcome: 'response', status: 200, body: '{"a":1}', headers: {} },
      now,
    );
    await database.close();

    database = await createSqlDatabase({ kind: 'sqlite', sqlitePath: join(dir, 'read.db') });
    const reopened = new IdempotencyStore(database);
    expect(await reopened.find(id, now)).toMatchObject({
      state: 'done',
      fingerprint: 'f',
      answer: { status: 200, body: '{"a":1}' },
    });
    expect(await reopened.claim(id, 'f', now, 60_000)).toBe(false);
  });

  it('answers stored at once are all kept, each with its own content', async () => {
    const store = new IdempotencyStore(database);
    const now = Date.now();
    const ids = Array.from({ length: 20 }, (_, i) => ({ ...id, key: `k-${i}` }));
    await Promise.all(ids.map((each) => store.claim(each, 'f', now, 60_000)));
    await Promise.all(
      ids.map((each, i) =>
        store.complete(each, { outcome: 'response', status: 200, body: `${i}`, headers: {} }, now),
      ),
    );
    const found = await Promise.all(ids.map((each) => store.find(each, now)));
    expect(found.map((record) => record?.state === 'done' && record.answer.body)).toEqual(
      ids.map((_, i) => `${i}`),
    );
  });

  it('claims of one turn share a transaction and still get one winner per key', async () => {
    const store = new IdempotencyStore(database);
    const now = Date.now();
    const ids = Array.from({ length: 10 }, (_, i) => ({ ...id, key: `k-${i}` }));
    const claimed = await Promise.all(
      [...ids, ...ids].map((each) => store.claim(each, 'f', now, 60_000)),
    );
    expect(claimed).toEqual([...ids.map(() => true), ...ids.map(() => false)]);
    expect(await synchronous()).toBe(2);
  });

  it('refuses every write of a turn whose transaction fails, and records none of them', async () => {
    await database.close();
    database = await createSqlDatabase({
      kind: 'sqlite',
      sqlitePath: join(dir, 'read.db'),
      busyTimeoutMs: 50,
    });
    const store = new IdempotencyStore(database);
    const now = Date.now();
    const [done, first, second] = ['k-done', 'k-1', 'k-2'].map((key) => ({ ...id, key }));
    expect(await store.claim(done, 'f', now, 60_000)).toBe(true);

    const other = new Database(join(dir, 'read.db'));
    other.exec('BEGIN IMMEDIATE');
    try {
      const answer = { outcome: 'response', status: 200, body: '{}', headers: {} } as const;
      const writes = await Promise.allSettled([
        store.claim(first, 'f', now, 60_000),
        store.complete(done, answer, now),
        store.claim(second, 'f', now, 60_000),
      ]);
      expect(writes.map((write) => write.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(String((writes[0] as PromiseRejectedResult).reason)).toMatch(/locked|busy/i);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }

    expect(await store.find(first, now)).toBeUndefined();
    expect(await store.find(second, now)).toBeUndefined();
    expect(await store.find(done, now)).toMatchObject({ state: 'in-flight' });
    expect(await synchronous()).toBe(2);
    expect(await store.claim(first, 'f', now, 60_000)).toBe(true);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});

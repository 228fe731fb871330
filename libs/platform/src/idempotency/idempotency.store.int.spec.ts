import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { createSqlDatabase, type SqlDatabase } from '../database/sql-database';
import { createTestSqlTarget, type TestSqlTarget } from '../testing/test-databases';
import { IDEMPOTENCY_MIGRATIONS } from './idempotency.migrations';
import { IdempotencyStore, type StoredAnswer } from './idempotency.store';

const id = { scope: '["u","POST","/x",{}]', scopeHash: 'h', key: 'k-1' };
const keyed = (key: string) => ({ ...id, key });
const answer = (body: string): StoredAnswer => ({
  outcome: 'response',
  status: 200,
  body,
  headers: { etag: `"${body}"` },
});

describe.each(['sqlite', 'postgres'] as const)('IdempotencyStore on %s', (kind) => {
  let target: TestSqlTarget;
  let database: SqlDatabase;
  const open = async (busyTimeoutMs?: number) => {
    database = await createSqlDatabase({ ...target, busyTimeoutMs });
    await database.migrate(IDEMPOTENCY_MIGRATIONS);
    return new IdempotencyStore(database);
  };

  beforeEach(async () => {
    target = await createTestSqlTarget(kind);
  });

  afterEach(async () => {
    await database.close();
    await target.drop();
  });

  it('claims a key once and keeps its answer across a reopen', async () => {
    const store = await open();
    const now = Date.now();
    const [first, second] = await Promise.all([
      store.claim(id, 'f', now, 60_000),
      store.claim(id, 'f', now, 60_000),
    ]);
    expect([first, second]).toEqual([true, false]);
    expect(await store.find(id, now)).toMatchObject({ state: 'in-flight', fingerprint: 'f' });
    await store.complete(id, answer('{"a":1}'), now);
    await database.close();

    const reopened = await open();
    expect(await reopened.find(id, now)).toEqual({
      state: 'done',
      fingerprint: 'f',
      answer: answer('{"a":1}'),
    });
    expect(await reopened.claim(id, 'f', now, 60_000)).toBe(false);
  });

  it('gives each key of a busy turn one winner, the first claim of it, past one statement of rows', async () => {
    const store = await open();
    const now = Date.now();
    const ids = Array.from({ length: 450 }, (_, i) => keyed(`k-${i}`));
    const taken = ids.filter((_, i) => i % 7 === 0);
    await Promise.all(taken.map((each) => store.claim(each, 'f', now, 60_000)));

    const claimed = await Promise.all(
      [...ids, ...ids].map((each) => store.claim(each, 'f', now, 60_000)),
    );
    const fresh = ids.map((_, i) => i % 7 !== 0);
    expect(claimed).toEqual([...fresh, ...ids.map(() => false)]);
  });

  it('stores the answers of one turn each with its own content, and a null body as null', async () => {
    const store = await open();
    const now = Date.now();
    const ids = Array.from({ length: 250 }, (_, i) => keyed(`k-${i}`));
    await Promise.all(ids.map((each) => store.claim(each, 'f', now, 60_000)));
    await Promise.all(
      ids.map((each, i) =>
        store.complete(
          each,
          i === 0 ? { outcome: 'problem', status: 422, body: null, headers: {} } : answer(`${i}`),
          now + i,
        ),
      ),
    );
    const found = await Promise.all(ids.map((each) => store.find(each, now)));
    expect(found[0]).toEqual({
      state: 'done',
      fingerprint: 'f',
      answer: { outcome: 'problem', status: 422, body: null, headers: {} },
    });
    expect(found.slice(1).map((record) => record?.state === 'done' && record.answer)).toEqual(
      ids.slice(1).map((_, i) => answer(`${i + 1}`)),
    );
  });
});

describe('IdempotencyStore on PostgreSQL', () => {
  let target: TestSqlTarget;
  let database: SqlDatabase;

  beforeEach(async () => {
    target = await createTestSqlTarget('postgres');
    database = await createSqlDatabase(target);
    await database.migrate(IDEMPOTENCY_MIGRATIONS);
  });

  afterEach(async () => {
    await database.close();
    await target.drop();
  });

  it('refuses every claim of a statement that fails, and records none of them', async () => {
    const store = new IdempotencyStore(database);
    const now = Date.now();
    // PostgreSQL refuses a NUL character in text. The guard lets only printable ASCII keys
    // through; this one stands for any row the database refuses.
    const [first, refused, second] = ['k-1', 'bad\u0000key', 'k-2'].map(keyed);
    const writes = await Promise.allSettled(
      [first, refused, second].map((each) => store.claim(each, 'f', now, 60_000)),
    );
    expect(writes.map((write) => write.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await store.find(first, now)).toBeUndefined();
    expect(await store.find(second, now)).toBeUndefined();
    expect(await store.claim(first, 'f', now, 60_000)).toBe(true);
  });
});

describe('IdempotencyStore on a SQLite file', () => {
  let target: TestSqlTarget;
  let database: SqlDatabase;

  beforeEach(async () => {
    target = await createTestSqlTarget('sqlite');
  });

  afterEach(async () => {
    await database.close();
    await target.drop();
  });

  const synchronous = async () =>
    (await sql<{ synchronous: number }>`PRAGMA synchronous`.execute(database.db)).rows[0]
      .synchronous;

  it('leaves the connection durable (synchronous FULL) after a commit of claims alone', async () => {
    database = await createSqlDatabase(target);
    await database.migrate(IDEMPOTENCY_MIGRATIONS);
    const store = new IdempotencyStore(database);
    expect(await store.claim(id, 'f', Date.now(), 60_000)).toBe(true);
    expect(await synchronous()).toBe(2);
  });

  it('refuses every write of a turn whose transaction fails, and records none of them', async () => {
    database = await createSqlDatabase({ ...target, busyTimeoutMs: 50 });
    await database.migrate(IDEMPOTENCY_MIGRATIONS);
    const store = new IdempotencyStore(database);
    const now = Date.now();
    const [done, first, second] = ['k-done', 'k-1', 'k-2'].map(keyed);
    expect(await store.claim(done, 'f', now, 60_000)).toBe(true);

    const other = new Database(target.sqlitePath ?? '');
    other.exec('BEGIN IMMEDIATE');
    try {
      const writes = await Promise.allSettled([
        store.claim(first, 'f', now, 60_000),
        store.complete(done, answer('{}'), now),
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

describe('IdempotencyStore, two processes on one PostgreSQL database', () => {
  let target: TestSqlTarget;
  const databases: SqlDatabase[] = [];

  beforeEach(async () => {
    target = await createTestSqlTarget('postgres');
  });

  afterEach(async () => {
    await Promise.all(databases.splice(0).map((database) => database.close()));
    await target.drop();
  });

  it('lets two processes claim the same keys at once, in opposite orders: each key won by one, none refused', async () => {
    const [first, second] = await Promise.all([1, 2].map(() => createSqlDatabase(target)));
    databases.push(first, second);
    await first.migrate(IDEMPOTENCY_MIGRATIONS);
    const stores = [new IdempotencyStore(first), new IdempotencyStore(second)];
    const now = Date.now();
    for (let round = 0; round < 5; round += 1) {
      const ids = Array.from({ length: 150 }, (_, i) => keyed(`r${round}-k${i}`));
      const [forward, backward] = await Promise.all([
        Promise.all(ids.map((each) => stores[0].claim(each, 'f', now, 60_000))),
        Promise.all([...ids].reverse().map((each) => stores[1].claim(each, 'f', now, 60_000))),
      ]);
      const backwardInOrder = [...backward].reverse();
      expect(ids.filter((_, i) => forward[i] === backwardInOrder[i])).toEqual([]);
    }
  });
});

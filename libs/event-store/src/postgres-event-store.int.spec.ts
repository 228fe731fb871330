import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describeEventStoreContract } from './event-store.contract';
import { eventually, newEvent } from './event-store.contract-kit';
import { StoreUnavailableError } from './event-store.errors';
import type { EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres-event-store.adapter';
import { appendGroup, type GroupedAppend, type Query } from './postgres-event-store.queries';
import { LOCK_CLASS } from './postgres-event-store.schema';
import { createTestDatabase, type TestDatabase } from './postgres-event-store.test-database';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** One database per file, one schema per test; `reopen` connects a new pool to the same schema. */
async function schemaSubject() {
  const schema = `s_${randomBytes(5).toString('hex')}`;
  const opened: EventStore[] = [];
  const open = async () => {
    const store = await PostgresEventStore.connect({
      connectionString: database.url,
      schema,
      pollIntervalMs: 200,
    });
    opened.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    cleanup: async () => {
      await Promise.all(opened.map((store) => store.close()));
      const client = new Client({ connectionString: database.url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

describeEventStoreContract('PostgreSQL', schemaSubject);

describe('PostgreSQL event store', () => {
  it('answers StoreUnavailableError when the server cannot be reached', async () => {
    const error = await PostgresEventStore.connect({
      connectionString: 'postgres://postgres@127.0.0.1:1/none',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
  });

  it('looks up recorded ids through the index, also in a session that first appended to a small table', async () => {
    // append_group's plans are made once per session: made while the table holds a few dozen
    // events (a new deployment), the look-up of a group's ids would scan the whole table on
    // every append from then on.
    const schema = `s_${randomBytes(5).toString('hex')}`;
    const first = await PostgresEventStore.connect({ connectionString: database.url, schema });
    for (let n = 0; n < 40; n += 1) await first.append(`early-${n}`, [newEvent('x')], 'no-stream');
    await first.close();
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const query: Query = (text, values, name) => client.query({ text, values, name });
      const lock = { classId: LOCK_CLASS.append, name: schema, channel: `${schema}_appends` };
      const group = (n: number): GroupedAppend[] =>
        Array.from({ length: 10 }, (_, i) => ({
          streamId: `plan-${n}-${i}`,
          batch: [newEvent('x')],
          expected: null,
        }));
      const append = (n: number) => appendGroup(query, `${schema}.append_group`, lock, group(n));
      for (let n = 0; n < 50; n += 1) await append(n);
      await client.query('BEGIN');
      await append(50);
      const { rows } = await client.query<{ seq_scan: string }>(
        `SELECT seq_scan FROM pg_stat_xact_user_tables WHERE schemaname = $1 AND relname = 'events'`,
        [schema],
      );
      await client.query('ROLLBACK');
      expect(Number(rows[0].seq_scan)).toBe(0);
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    }
  });

  it('runs migrations once, also when two processes start at the same time', async () => {
    const schema = `s_${randomBytes(5).toString('hex')}`;
    const stores = await Promise.all(
      [0, 1, 2].map(() => PostgresEventStore.connect({ connectionString: database.url, schema })),
    );
    await stores[0].append('migrated-1', [newEvent('x')], 'no-stream');
    expect(await stores[2].readStream('migrated-1')).toHaveLength(1);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('does not let the feed pass an append that has not committed yet', async () => {
    const schema = `s_${randomBytes(5).toString('hex')}`;
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const slow = await PostgresEventStore.connect({
      connectionString: database.url,
      schema,
      beforeCommit: () => held,
    });
    const fast = await PostgresEventStore.connect({ connectionString: database.url, schema });
    try {
      const pending = slow.append('slow-1', [newEvent('slow')], 'no-stream');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { positions } = await fast.append('fast-1', [newEvent('fast')], 'no-stream');
      // The fast append has the higher position and is committed, but is held back behind the slow one.
      expect(await fast.readAll(0n, 10)).toEqual([]);
      expect(await fast.readStream('fast-1')).toHaveLength(1);
      release();
      const slowResult = await pending;
      expect(slowResult.positions[0]).toBeLessThan(positions[0]);
      const feed = await eventually(
        () => fast.readAll(0n, 10),
        (events) => events.length >= 2,
      );
      expect(feed.map((event) => event.streamId)).toEqual(['slow-1', 'fast-1']);
    } finally {
      release();
      await Promise.all([slow.close(), fast.close()]);
    }
  });
});

import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { describeEventStoreContract } from './event-store.contract';
import { eventually, newEvent } from './event-store.contract-kit';
import { StoreUnavailableError } from './event-store.errors';
import type { EventStore } from './event-store.port';
import { PostgresEventStore } from './postgres-event-store.adapter';
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

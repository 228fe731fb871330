import { newEvent } from './event-store.contract-kit';
import { StoreUnavailableError } from './event-store.errors';
import { createEventStore } from './event-store.factory';
import { createTestDatabase } from './postgres-event-store.test-database';

describe('createEventStore', () => {
  it('opens SQLite', async () => {
    const store = await createEventStore({ kind: 'sqlite', sqlitePath: ':memory:' });
    await store.append('factory-1', [newEvent('x')], 'no-stream');
    expect(await store.readStream('factory-1')).toHaveLength(1);
    await store.close();
  });

  it('opens PostgreSQL (migrating its schema)', async () => {
    const database = await createTestDatabase();
    try {
      const store = await createEventStore({ kind: 'postgres', databaseUrl: database.url });
      await store.append('factory-1', [newEvent('x')], 'no-stream');
      expect(await store.readStream('factory-1')).toHaveLength(1);
      await store.close();
    } finally {
      await database.drop();
    }
  });

  it('refuses a kind without its setting', async () => {
    await expect(createEventStore({ kind: 'sqlite' })).rejects.toThrow(
      "event store 'sqlite' needs sqlitePath",
    );
    await expect(createEventStore({ kind: 'postgres' })).rejects.toThrow(TypeError);
    await expect(createEventStore({ kind: 'esdb' })).rejects.toThrow(
      "event store 'esdb' needs eventstoreUrl",
    );
  });

  it('answers StoreUnavailableError when EventStoreDB cannot be reached', async () => {
    const error = await createEventStore({
      kind: 'esdb',
      eventstoreUrl: 'esdb://127.0.0.1:1?tls=false&defaultDeadline=2000',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
  }, 15_000);
});

import Redis from 'ioredis';
import { Client } from 'pg';
import { loadEngineConfig } from '@engine/platform';

/**
 * The services the int suites run against, as the test command provides them (REDIS_URL,
 * DATABASE_URL): if this fails, every other int failure is probably the environment.
 */
describe('test services', () => {
  const databaseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

  it('Redis answers PING at REDIS_URL', async () => {
    const redis = new Redis(loadEngineConfig().redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
    });
    try {
      await redis.connect();
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it('PostgreSQL answers a query at DATABASE_URL', async () => {
    const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      const result = await client.query<{ answer: number }>('SELECT 1 AS answer');
      expect(result.rows).toEqual([{ answer: 1 }]);
    } finally {
      await client.end();
    }
  });
});

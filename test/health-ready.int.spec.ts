import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Response } from 'express';
import { createEventStore, type EventStore } from '@engine/event-store';
import { createSqlDatabase, type EngineConfig, type SqlDatabase } from '@engine/platform';
import { HealthController } from '../apps/api/src/health/health.controller';

/**
 * Readiness against real components: a real SQLite event store and read store, and a Redis URL
 * where nothing answers. (The whole app with Redis gone belongs to the fault tests.)
 */
describe('GET /health/ready when Redis does not answer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'health-ready-'));
  let store: EventStore;
  let database: SqlDatabase;
  beforeAll(async () => {
    store = await createEventStore({ kind: 'sqlite', sqlitePath: join(dir, 'events.sqlite') });
    database = await createSqlDatabase({ kind: 'sqlite', sqlitePath: join(dir, 'read.sqlite') });
  });
  afterAll(async () => {
    await store.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is 503 and names Redis as down, the stores as up', async () => {
    const config = { redisUrl: 'redis://127.0.0.1:1' } as EngineConfig;
    const health = new HealthController(store, database, config);
    let status = 0;
    const response = {
      status: (code: number) => ((status = code), response),
    } as unknown as Response;
    try {
      const body = await health.ready(response);
      expect(status).toBe(503);
      expect(body).toEqual({
        status: 'not-ready',
        checks: { eventStore: 'up', readStore: 'up', redis: 'down', projections: 'up' },
      });
    } finally {
      health.onModuleDestroy();
    }
  });
});

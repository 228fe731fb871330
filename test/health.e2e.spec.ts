import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadEngineStartup } from '@engine/platform';
import { AppModule } from '../apps/api/src/app.module';
import { startEngine } from './support/engine-harness';

describe('GET /health/live', () => {
  let app: INestApplication;
  const dir = mkdtempSync(join(tmpdir(), 'health-e2e-'));

  beforeAll(async () => {
    const startup = loadEngineStartup({
      SUPPORT_POLICY: join(__dirname, '../policy/almacare.yaml'),
      SQLITE_PATH: join(dir, 'engine.sqlite'),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(startup)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 200 { status: ok } without a token', async () => {
    const response = await fetch(`${await app.getUrl()}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('GET /health/ready', () => {
  it('is 200 when the event store, the read store, Redis, the projections and the workers are working', async () => {
    const engine = await startEngine('sqlite');
    try {
      const answer = await engine.call('GET', '/health/ready');
      expect(answer).toMatchObject({
        status: 200,
        body: {
          status: 'ready',
          checks: {
            eventStore: 'up',
            readStore: 'up',
            redis: 'up',
            projections: 'up',
            timerWorker: 'up',
            webhookWorker: 'up',
          },
        },
      });
    } finally {
      await engine.close();
    }
  }, 30_000);
});

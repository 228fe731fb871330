import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { loadEngineStartup } from '@engine/platform';
import { AppModule } from '../apps/api/src/app.module';

describe('GET /health/live', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const startup = loadEngineStartup({
      SUPPORT_POLICY: join(__dirname, '../policy/almacare.yaml'),
    });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(startup)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 200 { status: ok } without a token', async () => {
    const response = await fetch(`${await app.getUrl()}/health/live`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

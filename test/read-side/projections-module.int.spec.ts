import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { EventStore } from '@engine/event-store';
import { EVENT_STORE, loadEngineStartup, PlatformModule } from '@engine/platform';
import { ProjectionsModule } from '../../apps/worker/src/projections/projections.module';
import { ProjectionsService } from '../../apps/worker/src/projections/projections.service';
import { appended, recordMix } from './support/incident-mix';
import { KINDS, createTarget, until, type TestTarget } from './support/read-side-fixture';

describe.each(KINDS)("the worker's ProjectionsModule on its own (%s)", (kind) => {
  let target: TestTarget;
  let app: INestApplicationContext;

  beforeAll(async () => {
    appended.last = 0n;
    target = await createTarget(kind);
    const startup = loadEngineStartup({
      EVENT_STORE: kind,
      SQLITE_PATH: target.sqlitePath ?? join(__dirname, 'unused.sqlite'),
      ...(target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {}),
      SUPPORT_POLICY: join(__dirname, '../../policy/almacare.yaml'),
      AUTH_JWT_SECRET: 'projections-module-secret-long-enough-for-hs256',
      LOG_LEVEL: 'error',
    });
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot(startup), ProjectionsModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await target?.drop();
  });

  it('runs every projection and the reactor, and reports readiness with lag', async () => {
    await recordMix(app.get<EventStore>(EVENT_STORE), 0, 5);
    const service = app.get(ProjectionsService);
    await until(
      () =>
        service.statuses().find((status) => status.name === 'incidents')?.checkpoint ===
        appended.last.toString(),
      'the incidents projection',
    );
    const readiness = await service.readiness(true);
    expect(readiness.ready).toBe(true);
    expect(readiness.followers.map((follower) => follower.name)).toEqual([
      'incidents',
      'customers',
      'known-errors',
      'problem-links',
    ]);
    expect(readiness.followers[0]).toMatchObject({
      state: 'running',
      eventsBehind: 0,
      eventsBehindCapped: false,
    });
    expect(readiness.followers[0].secondsSinceLastEvent).toBeGreaterThan(0);
  });
});

import { join } from 'node:path';
import { Body, Controller, Param, Post, Res } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { IsInt } from 'class-validator';
import type { Response as ExpressResponse } from 'express';
import { SignJWT } from 'jose';
import { DomainError, type Actor } from '@engine/domain';
import { AuthModule } from '../auth/auth.module';
import { CurrentActor } from '../auth/auth.decorators';
import { SqlDatabaseModule } from '../database/sql-database.module';
import { configureHttpApp } from '../http/configure-http-app';
import { PlatformModule } from '../platform.module';
import { loadEngineStartup } from '../startup/engine-startup';
import { createTestSqlTarget, type TestSqlTarget } from '../testing/test-databases';
import { IdempotencyModule } from './idempotency.module';

const SECRET = 'idempotency-test-secret-of-32-characters!';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const runs = { increments: 0, refusals: 0, flaky: 0 };

class IncrementDto {
  @IsInt()
  by!: number;
}

@Controller('counters')
class CounterController {
  @Post(':id/increments')
  async increment(
    @Param('id') id: string,
    @Body() body: IncrementDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) response: ExpressResponse,
  ) {
    await sleep(100);
    runs.increments += 1;
    response.setHeader('ETag', `"${runs.increments}"`);
    response.setHeader('Location', `/counters/${id}`);
    return { id, by: body.by, run: runs.increments, actor: actor.id };
  }

  @Post(':id/refusals')
  refuse(): never {
    runs.refusals += 1;
    throw new DomainError('counter-frozen', `refusal number ${runs.refusals}`);
  }

  @Post(':id/flaky')
  flaky(): { run: number } {
    runs.flaky += 1;
    if (runs.flaky === 1) throw new Error('the first one breaks');
    return { run: runs.flaky };
  }

  @Post(':id/slow')
  async slow(): Promise<{ done: boolean }> {
    await sleep(1500);
    return { done: true };
  }
}

const tokenFor = (sub: string) =>
  new SignJWT({ role: 'engineer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));

describe.each(['sqlite', 'postgres'] as const)('Idempotency-Key on %s', (kind) => {
  let target: TestSqlTarget;
  let app: NestExpressApplication;
  let base: string;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    target = await createTestSqlTarget(kind);
    const env: NodeJS.ProcessEnv = {
      SUPPORT_POLICY: join(__dirname, '../../../../policy/almacare.yaml'),
      AUTH_JWT_SECRET: SECRET,
      LOG_LEVEL: 'fatal', // no request log lines in the test output
      ...(kind === 'postgres'
        ? { READ_STORE: 'postgres', DATABASE_URL: target.databaseUrl }
        : { SQLITE_PATH: target.sqlitePath }),
    };
    const moduleRef = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot(loadEngineStartup(env)),
        SqlDatabaseModule,
        AuthModule,
        IdempotencyModule.withOptions({ waitMs: 1000 }),
      ],
      controllers: [CounterController],
    }).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    configureHttpApp(app, { intakeMaxBytes: 1024 });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    [alice, bob] = await Promise.all([tokenFor('alice'), tokenFor('bob')]);
  });

  afterAll(async () => {
    await app?.close();
    await target?.drop();
  });

  beforeEach(() => Object.assign(runs, { increments: 0, refusals: 0, flaky: 0 }));

  const post = (path: string, body: unknown, key: string | null, token = alice) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(key === null ? {} : { 'idempotency-key': key }),
      },
      body: JSON.stringify(body),
    });

  const answerOf = async (response: Response) => ({
    status: response.status,
    etag: response.headers.get('etag'),
    location: response.headers.get('location'),
    body: (await response.json()) as unknown,
  });

  it('runs 5 parallel identical requests once and answers them all alike', async () => {
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => post('/counters/c1/increments', { by: 2 }, `k-${kind}-1`)),
    );
    const answers = await Promise.all(responses.map(answerOf));
    expect(runs.increments).toBe(1);
    expect(answers[0]).toEqual({
      status: 201,
      etag: '"1"',
      location: '/counters/c1',
      body: { id: 'c1', by: 2, run: 1, actor: 'alice' },
    });
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    const replayed = responses.filter((r) => r.headers.get('idempotent-replayed') === 'true');
    expect(replayed).toHaveLength(4);
  });

  it('replays later too, with the same key in another body order', async () => {
    await post('/counters/c2/increments', { by: 1 }, `k-${kind}-2`);
    const again = await post('/counters/c2/increments', { by: 1 }, `k-${kind}-2`);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual({ id: 'c2', by: 1, run: 1, actor: 'alice' });
    expect(runs.increments).toBe(1);
  });

  it('answers the same key with another body 422 idempotency-key-reused', async () => {
    await post('/counters/c3/increments', { by: 1 }, `k-${kind}-3`);
    const reused = await post('/counters/c3/increments', { by: 5 }, `k-${kind}-3`);
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ code: 'idempotency-key-reused' });
    expect(runs.increments).toBe(1);
  });

  it('keeps keys of different callers and different routes apart', async () => {
    const key = `k-${kind}-4`;
    const [fromAlice, fromBob] = await Promise.all([
      post('/counters/c4/increments', { by: 1 }, key, alice),
      post('/counters/c4/increments', { by: 1 }, key, bob),
    ]);
    const other = await post('/counters/c5/increments', { by: 1 }, key, alice);
    expect(runs.increments).toBe(3);
    for (const response of [fromAlice, fromBob, other]) {
      expect(response.status).toBe(201);
      expect(response.headers.get('idempotent-replayed')).toBeNull();
    }
  });

  it('authenticates before it claims: a key without a token is 401 and leaves the key free', async () => {
    const anonymous = await fetch(`${base}/counters/c12/increments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `k-${kind}-12` },
      body: JSON.stringify({ by: 1 }),
    });
    expect(anonymous.status).toBe(401);
    const first = await post('/counters/c12/increments', { by: 1 }, `k-${kind}-12`);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(runs.increments).toBe(1);
  });

  it('runs every request without a key', async () => {
    await post('/counters/c6/increments', { by: 1 }, null);
    await post('/counters/c6/increments', { by: 1 }, null);
    expect(runs.increments).toBe(2);
  });

  it('keeps a refusal as the answer: the same request gets the same problem', async () => {
    const first = await post('/counters/c7/refusals', {}, `k-${kind}-7`);
    const second = await post('/counters/c7/refusals', {}, `k-${kind}-7`);
    expect(runs.refusals).toBe(1);
    expect(second.status).toBe(422);
    expect(second.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
  });

  it('keeps a validation failure, since the same body fails the same way', async () => {
    const first = await post('/counters/c8/increments', { by: 'two' }, `k-${kind}-8`);
    const second = await post('/counters/c8/increments', { by: 'two' }, `k-${kind}-8`);
    expect([first.status, second.status]).toEqual([400, 400]);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
  });

  it('forgets the key after a server error, so the retry runs', async () => {
    const first = await post('/counters/c9/flaky', {}, `k-${kind}-9`);
    const retry = await post('/counters/c9/flaky', {}, `k-${kind}-9`);
    expect(first.status).toBe(500);
    expect(retry.status).toBe(201);
    expect(await retry.json()).toEqual({ run: 2 });
  });

  it('answers a duplicate 409 idempotency-key-in-flight when the first outlasts the wait', async () => {
    const first = post('/counters/c10/slow', {}, `k-${kind}-10`);
    await sleep(100);
    const duplicate = await post('/counters/c10/slow', {}, `k-${kind}-10`);
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ code: 'idempotency-key-in-flight' });
    expect((await first).status).toBe(201);
  });

  it.each([['x'.repeat(256)], ['tab\there']])('refuses the key %j with 400', async (key) => {
    const response = await post('/counters/c11/increments', { by: 1 }, key);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'invalid-idempotency-key' });
    expect(runs.increments).toBe(0);
  });
});

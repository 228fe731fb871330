import {
  call,
  engineDeployment,
  eventually,
  killEngineProcesses,
  spawnEngine,
  terminateBackends,
  type Answer,
  type EngineDeployment,
} from '../support/engine-process';
import { processDesk } from './support/process-desk';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PostgreSQL connections killed under load (pg_terminate_backend on the API's own database)", () => {
  let deployment: EngineDeployment;

  beforeAll(async () => {
    deployment = await engineDeployment({
      store: 'postgres',
      redisUrl: REDIS_URL,
      env: { RUN_WORKER: 'false' },
    });
  });

  afterAll(async () => {
    await killEngineProcesses();
    await deployment?.dispose();
  }, 30_000);

  it('commands answer 503 problem+json while it lasts, never 500, recover by themselves, and lose nothing accepted', async () => {
    const api = await spawnEngine('api', deployment.env);
    const desk = await processDesk(deployment, api.url!);
    const answers: Answer[] = [];
    let loading = true;
    const load = Promise.all(
      Array.from({ length: 6 }, async () => {
        while (loading) answers.push(await desk.open(api.url!, { severity: 4 }));
      }),
    );
    await sleep(1_000);

    // Every backend of the engine's database is ended, again and again, for 3 s.
    let terminated = 0;
    const killingUntil = Date.now() + 3_000;
    while (Date.now() < killingUntil) {
      terminated += await terminateBackends(deployment.databaseUrl!);
      await sleep(100);
    }
    const duringOutage = answers.length;

    // It recovers by itself: commands are accepted again within seconds.
    await eventually(
      async () => ((await desk.open(api.url!, { severity: 4 })).status === 201 ? true : undefined),
      10_000,
      'a command to be accepted again',
    );
    await sleep(1_000);
    loading = false;
    await load;

    expect(terminated).toBeGreaterThan(5);
    const statuses = [...new Set(answers.map((answer) => answer.status))].sort();
    const refused = answers.filter((answer) => answer.status !== 201);
    // Only accepted or "store unavailable, retry": never a 500 or a dropped connection.
    expect(statuses.filter((status) => status !== 201 && status !== 503)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    for (const answer of refused) {
      expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(answer.body.code).toBe('store-unavailable');
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    expect(answers.length).toBeGreaterThan(duringOutage);

    // Nothing accepted is lost: every 201 is in the store (read back from its stream).
    const accepted = answers.filter((answer) => answer.status === 201);
    expect(accepted.length).toBeGreaterThan(20);
    for (const answer of accepted) {
      const read = await call(api.url!, 'GET', `/incidents/${answer.body.id}`, {
        token: desk.engineer,
      });
      expect(read.status).toBe(200);
    }
    expect(api.running()).toBe(true);
    const exit = await api.terminate();
    expect(exit.code).toBe(0);
    expect(api.errors()).toBe('');
    if (process.env.FAULT_TIMINGS)
      console.info({ terminated, accepted: accepted.length, refused: refused.length, exit });
  }, 120_000);
});

import { TIMER_POLICY } from '../timers/support/timer-policy';
import {
  call,
  engineDeployment,
  eventually,
  killEngineProcesses,
  spawnEngine,
  type EngineDeployment,
} from '../support/engine-process';
import { inParallel, processDesk } from './support/process-desk';
import { projectionsAndRebuild } from './support/rebuild-check';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TIMER_EVENTS = ['incident.response-sla-at-risk', 'incident.response-sla-breached'];

describe('two API processes (RUN_WORKER=false) and two worker processes under load on PostgreSQL', () => {
  let deployment: EngineDeployment;

  beforeAll(async () => {
    deployment = await engineDeployment({
      store: 'postgres',
      redisUrl: REDIS_URL,
      policy: TIMER_POLICY,
      env: { RUN_WORKER: 'false' },
    });
  });

  afterAll(async () => {
    await killEngineProcesses();
    await deployment?.dispose();
  }, 30_000);

  it('records each timer event once and keeps the projections equal to a clean rebuild', async () => {
    const apis = await Promise.all([
      spawnEngine('api', deployment.env),
      spawnEngine('api', deployment.env),
    ]);
    const workers = await Promise.all([
      spawnEngine('worker', deployment.env),
      spawnEngine('worker', deployment.env),
    ]);
    const desk = await processDesk(deployment, apis[0].url!);

    // Unanswered S2 incidents (at risk at 6 s, breached at 8 s) and answered S1 ones (their timers
    // are cancelled), through both APIs at once.
    const unanswered: string[] = [];
    const answered: string[] = [];
    await inParallel(60, 8, async (n) => {
      const api = apis[n % 2].url!;
      if (n % 3 === 0) {
        const opened = await desk.open(api, { severity: 1 });
        expect(opened.status).toBe(201);
        const responded = await call(api, 'POST', `/incidents/${opened.body.id}/responses`, {
          token: desk.engineer,
          body: { message: 'On it.' },
        });
        expect(responded.status).toBe(200);
        answered.push(opened.body.id);
      } else {
        const opened = await desk.open(api, { severity: 2 });
        expect(opened.status).toBe(201);
        unanswered.push(opened.body.id);
      }
    });

    const eventsOf = async (id: string): Promise<string[]> => {
      const answer = await call(apis[0].url!, 'GET', `/incidents/${id}/events`, {
        token: desk.engineer,
      });
      expect(answer.status).toBe(200);
      return answer.body.items.map((event: { type: string }) => event.type);
    };
    for (const id of unanswered) {
      await eventually(
        async () => ((await eventsOf(id)).includes(TIMER_EVENTS[1]) ? true : undefined),
        30_000,
        `the breach of ${id}`,
      );
    }
    // Both workers had their chance at every job; a little longer for any late duplicate.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const id of unanswered) {
      const types = await eventsOf(id);
      for (const type of TIMER_EVENTS)
        expect([id, type, types.filter((t) => t === type).length]).toEqual([id, type, 1]);
    }
    for (const id of answered) {
      const types = await eventsOf(id);
      expect(types.filter((type) => TIMER_EVENTS.includes(type))).toEqual([]);
    }

    const { live, rebuilt } = await projectionsAndRebuild(deployment.databaseUrl!);
    expect(live).toEqual(rebuilt);

    const processes = [...apis, ...workers];
    const exits = await Promise.all(processes.map((process) => process.terminate()));
    // A process that did not close cleanly shows why (its last log lines) in the failure.
    exits.forEach((exit, index) => {
      const output = exit.code === 0 ? '' : `:\n${processes[index].output().slice(-4_000)}`;
      expect(`exit ${exit.code ?? exit.signal}${output}`).toBe('exit 0');
      expect(exit.ms).toBeLessThan(10_000);
    });
    for (const process of [...apis, ...workers]) expect(process.errors()).toBe('');
  }, 120_000);
});

import { TIMER_POLICY } from '../timers/support/timer-policy';
import {
  call,
  engineDeployment,
  eventually,
  killEngineProcesses,
  spawnEngine,
  type Answer,
  type EngineDeployment,
  type EngineProcess,
  type Exit,
} from '../support/engine-process';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/throwaway-redis';
import { processDesk, type ProcessDesk } from './support/process-desk';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Types of an incident's events, read through an API. */
async function eventTypes(api: string, token: string, incidentId: string): Promise<string[]> {
  const answer = await call(api, 'GET', `/incidents/${incidentId}/events`, { token });
  if (answer.status !== 200) throw new Error(`events: ${answer.status}`);
  return answer.body.items.map((event: { type: string }) => event.type);
}

const count = (types: readonly string[], type: string) => types.filter((t) => t === type).length;

/** Nothing a process should ever print on standard error: an unhandled error, a crash. */
const UNHANDLED = /unhandled|uncaught|ECONNREFUSED|Error:/i;

describe('Redis restarted empty (throwaway redis-server, one API process with its worker)', () => {
  let redis: ThrowawayRedis;
  let deployment: EngineDeployment;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    deployment = await engineDeployment({
      store: 'sqlite',
      redisUrl: redis.url,
      policy: TIMER_POLICY,
    });
  });

  afterAll(async () => {
    await killEngineProcesses();
    await redis?.stop();
    await deployment?.dispose();
  }, 30_000);

  it('after POST /admin/timers/reconcile every pending timer fires', async () => {
    const api = await spawnEngine('api', deployment.env);
    const desk = await processDesk(deployment, api.url!);
    const opened = [];
    for (let n = 0; n < 4; n += 1) {
      const answer = await desk.open(api.url!, { severity: 2 }); // at risk at 6 s, breached at 8 s
      expect(answer.status).toBe(201);
      opened.push(answer.body.id as string);
    }
    const delayed = `${deployment.prefix}:incident-timers:delayed`;
    await eventually(
      async () => ((await redis.client.zcard(delayed)) >= 8 ? true : undefined),
      10_000,
      'the 8 response timers to be scheduled',
    );

    await redis.restart();
    expect(await redis.client.dbsize()).toBe(0);

    // BullMQ reconnects by itself; until it has, the reconcile answers 503 at once.
    const reconciled = await eventually(
      async () => {
        const answer = await call(api.url!, 'POST', '/admin/timers/reconcile', {
          token: desk.admin,
        });
        if (answer.status === 200) return answer.body;
        expect(answer.status).toBe(503);
        return undefined;
      },
      10_000,
      'a reconcile',
    );
    expect(reconciled.incidents).toBe(4);
    expect(reconciled.scheduled + reconciled.alreadyScheduled).toBe(8);

    for (const id of opened) {
      const types = await eventually(
        async () => {
          const seen = await eventTypes(api.url!, desk.engineer, id);
          return seen.includes('incident.response-sla-breached') ? seen : undefined;
        },
        20_000,
        `the breach of ${id}`,
      );
      expect(count(types, 'incident.response-sla-at-risk')).toBe(1);
      expect(count(types, 'incident.response-sla-breached')).toBe(1);
    }
    const stopped = await api.terminate();
    expect(stopped.code).toBe(0);
    expect(api.errors()).not.toMatch(UNHANDLED);
  }, 90_000);
});

describe('Redis stopped under load (PostgreSQL, two APIs without worker, a worker program)', () => {
  let redis: ThrowawayRedis;
  let deployment: EngineDeployment;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    deployment = await engineDeployment({
      store: 'postgres',
      redisUrl: redis.url,
      policy: TIMER_POLICY,
      env: { RUN_WORKER: 'false' },
    });
  });

  afterAll(async () => {
    await killEngineProcesses();
    await redis?.stop();
    await deployment?.dispose();
  }, 30_000);

  it('commands keep being accepted, Redis-bound calls answer 503 at once, SIGTERM still ends every process, and the missed deadlines fire when Redis returns', async () => {
    const [api, spare] = await Promise.all([
      spawnEngine('api', deployment.env),
      spawnEngine('api', deployment.env),
    ]);
    const workerEnv = { ...deployment.env, RUN_WORKER: 'true' };
    const firstWorker = await spawnEngine('worker', workerEnv);
    const desk: ProcessDesk = await processDesk(deployment, api.url!);
    const webhook = await call(api.url!, 'POST', '/webhooks', {
      token: desk.admin,
      body: { url: 'http://127.0.0.1:9/hooks', types: ['incident.*'] },
    });
    expect(webhook.status).toBe(201);

    // Load: incidents opened and answered through both APIs, all along.
    const statuses: number[] = [];
    let loading = true;
    let spareStopping = false;
    const load = (async () => {
      for (let n = 0; loading; n += 1) {
        // As a load balancer would, nothing more is sent to the spare once it is told to stop.
        const url = n % 2 === 0 || spareStopping ? api.url! : spare.url!;
        // A connection the stopping spare no longer accepts (status 0) is sent to the other API,
        // as a load balancer retries a refused connection.
        const retried = async (send: (to: string) => Promise<Answer>): Promise<Answer> => {
          const answer = await send(url);
          return answer.status === 0 && spareStopping && url === spare.url
            ? send(api.url!)
            : answer;
        };
        const opened = await retried((to) => desk.open(to, { severity: 4 }));
        statuses.push(opened.status);
        if (opened.status === 201) {
          const responded = await retried((to) =>
            call(to, 'POST', `/incidents/${opened.body.id}/responses`, {
              token: desk.engineer,
              body: { message: 'Looking into it.' },
            }),
          );
          statuses.push(responded.status);
        }
      }
    })();
    await sleep(1_500);

    await redis.kill();
    const outageStarted = Date.now();

    // The event store is the truth: commands are still accepted.
    const missed: string[] = [];
    for (let n = 0; n < 3; n += 1) {
      const answer = await desk.open(api.url!, { severity: 2 }); // breached 8 s after opening
      expect(answer.status).toBe(201);
      missed.push(answer.body.id);
    }

    // What needs Redis says so at once.
    const reconcile = await call(api.url!, 'POST', '/admin/timers/reconcile', {
      token: desk.admin,
    });
    expect(reconcile.status).toBe(503);
    expect(reconcile.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(reconcile.body.code).toBe('queue-unavailable');
    expect(reconcile.ms).toBeLessThan(2_000);
    const replay = await call(api.url!, 'POST', `/webhooks/${webhook.body.id}/replay`, {
      token: desk.admin,
      body: { from: '0' },
    });
    expect(replay.status).toBe(503);
    expect(replay.body.code).toBe('queue-unavailable');
    expect(replay.ms).toBeLessThan(2_000);
    const pause = await call(api.url!, 'PUT', '/admin/queues/api/queues/incident-timers/pause', {
      token: desk.admin,
    });
    expect(pause.status).toBe(503);
    expect(pause.body.code).toBe('queue-unavailable');
    expect(pause.ms).toBeLessThan(2_000);
    const ready = await call(api.url!, 'GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.checks.redis).toBe('down');
    expect(ready.ms).toBeLessThan(3_000);

    // SIGTERM ends an API and the worker while Redis is away.
    spareStopping = true;
    const [spareExit, workerExit] = await Promise.all([spare.terminate(), firstWorker.terminate()]);
    expect(spareExit.ms).toBeLessThan(10_000);
    expect(workerExit.ms).toBeLessThan(10_000);
    expect(spareExit.code).toBe(0);
    expect(workerExit.code).toBe(0);

    // A worker started while Redis is away keeps running, without an unhandled error.
    const worker = await spawnEngine('worker', workerEnv);
    await sleep(4_000);
    expect(worker.running()).toBe(true);
    // The S2 deadlines (8 s after opening) pass while Redis is still away.
    await sleep(Math.max(0, 8_500 - (Date.now() - outageStarted)));

    await redis.restart();
    const outageMs = Date.now() - outageStarted;

    // The worker reconnects, reconciles what the empty Redis lacks, and the deadlines fire.
    for (const id of missed) {
      const types = await eventually(
        async () => {
          const seen = await eventTypes(api.url!, desk.engineer, id);
          return seen.includes('incident.response-sla-breached') ? seen : undefined;
        },
        30_000,
        `the breach of ${id}`,
      );
      expect(count(types, 'incident.response-sla-breached')).toBe(1);
    }
    loading = false;
    await load;
    // Every command of the load was accepted, before, during and after the outage.
    expect(statuses.filter((status) => status !== 201 && status !== 200)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(10);

    const [apiExit, lastExit] = await Promise.all([api.terminate(), worker.terminate()]);
    for (const process of [api, spare, firstWorker, worker] as EngineProcess[])
      expect(process.errors()).not.toMatch(UNHANDLED);
    // A process that did not close cleanly shows why (its last log lines) in the failure.
    const ended = (exit: Exit, engine: EngineProcess) =>
      exit.code === 0 ? 0 : `exit ${exit.code ?? exit.signal}:\n${engine.output().slice(-4_000)}`;
    expect(ended(apiExit, api)).toBe(0);
    expect(ended(lastExit, worker)).toBe(0);
    if (process.env.FAULT_TIMINGS)
      console.info({
        reconcile: reconcile.ms,
        replay: replay.ms,
        pause: pause.ms,
        ready: ready.ms,
        spareExit,
        workerExit,
        apiExit,
        lastExit,
        outageMs,
        commands: statuses.length,
      });
  }, 150_000);
});

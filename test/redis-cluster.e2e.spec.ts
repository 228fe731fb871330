import { processDesk } from './faults/support/process-desk';
import {
  call,
  engineDeployment,
  eventually,
  killEngineProcesses,
  spawnEngine,
  type EngineDeployment,
  type EngineProcess,
} from './support/engine-process';
import {
  redisClusterUnavailable,
  startThrowawayRedisCluster,
  type ThrowawayRedisCluster,
} from './support/throwaway-redis-cluster';
import { TIMER_POLICY } from './timers/support/timer-policy';

/** Nothing a process should ever print on standard error: an unhandled error, a crash. */
const UNHANDLED = /unhandled|uncaught|ECONNREFUSED|Error:/i;
const TAG = '{engine}';

const unavailable = redisClusterUnavailable();

if (unavailable && process.env.REQUIRE_SERVICE_SUITES !== '1') {
  // Counted as skipped, said in one line (REQUIRE_SERVICE_SUITES=1 fails instead).
  const reason = `Redis Cluster process test skipped: ${unavailable}`;
  process.stderr.write(`${reason}\n`);
  it.skip(reason, () => undefined);
} else {
  /**
   * The API program with its worker (RUN_WORKER default) on a throwaway three-master Redis
   * Cluster: REDIS_CLUSTER=true, the nodes listed in REDIS_URL, one hash tag for every queue.
   */
  describe('the engine on a Redis Cluster (real API process, throwaway cluster)', () => {
    let cluster: ThrowawayRedisCluster;
    let deployment: EngineDeployment;
    let api: EngineProcess;

    beforeAll(async () => {
      if (unavailable) throw new Error(`Redis Cluster process test: ${unavailable}`);
      cluster = await startThrowawayRedisCluster();
      deployment = await engineDeployment({
        store: 'sqlite',
        redisUrl: cluster.url.split(',')[0]!,
        policy: TIMER_POLICY,
        env: {
          REDIS_CLUSTER: 'true',
          REDIS_URL: cluster.url,
          TIMERS_QUEUE_PREFIX: TAG,
          WEBHOOK_QUEUE_PREFIX: TAG,
          INTAKE_QUEUE_PREFIX: TAG,
        },
      });
    }, 30_000);

    afterAll(async () => {
      await killEngineProcesses();
      await deployment?.dispose();
      await cluster?.stop();
    }, 30_000);

    it('opens an incident, fires its response deadline, is ready, and stops cleanly', async () => {
      api = await spawnEngine('api', deployment.env, { readyTimeoutMs: 30_000 });
      const url = api.url!;
      const ready = await eventually(
        async () => {
          const answer = await call(url, 'GET', '/health/ready');
          return answer.status === 200 ? answer : undefined;
        },
        15_000,
        () => `/health/ready to answer 200:\n${api.output().slice(-3_000)}`,
      );
      expect(ready.body).toMatchObject({ status: 'ready', checks: { redis: 'up' } });
      expect(ready.body.checks).toHaveProperty('timerWorker', 'up');
      expect(ready.body.checks).toHaveProperty('webhookWorker', 'up');

      const desk = await processDesk(deployment, url);
      const opened = await desk.open(url, { severity: 1 }); // at risk after 3 s, breached after 4 s
      expect(opened.status).toBe(201);
      const id = opened.body.id as string;

      const types = await eventually(
        async () => {
          const answer = await call(url, 'GET', `/incidents/${id}/events`, {
            token: desk.engineer,
          });
          const found = (answer.body?.items ?? []).map((event: { type: string }) => event.type);
          return found.includes('incident.response-sla-breached') ? found : undefined;
        },
        20_000,
        () => `the response deadline to fire:\n${api.output().slice(-3_000)}`,
      );
      expect(types).toEqual(
        expect.arrayContaining(['incident.response-sla-at-risk', 'incident.response-sla-breached']),
      );
      const incident = await call(url, 'GET', `/incidents/${id}`, { token: desk.engineer });
      expect(incident.status).toBe(200);
      expect(JSON.stringify(incident.body)).toContain('breach');

      // The queues' keys are on the cluster, all under the hash tag (so in one slot).
      const keys = (await Promise.all(cluster.ports.map((port) => cluster.cli(port, '--scan'))))
        .join('\n')
        .split('\n')
        .filter(Boolean);
      expect(keys).toEqual(
        expect.arrayContaining([`${TAG}:incident-timers:meta`, `${TAG}:webhook-deliveries:meta`]),
      );
      expect(keys.filter((key) => !key.startsWith(`${TAG}:`))).toEqual([]);

      const exit = await api.terminate('SIGTERM', 15_000);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(api.errors()).not.toMatch(UNHANDLED);
    }, 60_000);
  });
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { PROJECTION_STATUS_TABLE } from '@engine/read-models';
import {
  call,
  engineDeployment,
  eventually,
  killEngineProcesses,
  spawnEngine,
  type EngineDeployment,
} from '../support/engine-process';
import { inParallel, processDesk } from './support/process-desk';
import { eventIds, projectionsAndRebuild } from './support/rebuild-check';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const INCIDENTS = 250;

/** A loopback webhook receiver that takes `delayMs` to answer each delivery. */
class SlowReceiver {
  readonly ids = new Set<string>();
  deliveries = 0;
  inFlight = 0;
  private readonly server: Server;

  constructor(private readonly delayMs: number) {
    this.server = createServer((request, response) => {
      this.inFlight += 1;
      this.deliveries += 1;
      this.ids.add(String(request.headers['webhook-id']));
      request.resume();
      setTimeout(() => {
        this.inFlight -= 1;
        response.writeHead(200).end();
      }, this.delayMs);
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('kill -9 of the worker program while it projects and while it delivers webhooks', () => {
  let deployment: EngineDeployment;
  const receiver = new SlowReceiver(100);

  beforeAll(async () => {
    deployment = await engineDeployment({
      store: 'postgres',
      redisUrl: REDIS_URL,
      env: { RUN_WORKER: 'false' },
    });
  });

  afterAll(async () => {
    await killEngineProcesses();
    await receiver.close();
    await deployment?.dispose();
  }, 30_000);

  it('after a restart the read models equal a clean rebuild and every covered event was delivered', async () => {
    const url = await receiver.start();
    const api = await spawnEngine('api', deployment.env);
    const desk = await processDesk(deployment, api.url!);
    const subscribed = await call(api.url!, 'POST', '/webhooks', {
      token: desk.admin,
      body: { url, types: ['incident.*'] },
    });
    expect(subscribed.status).toBe(201);

    // The worker is not running: it will be behind by every one of these events.
    await inParallel(INCIDENTS, 8, async (n) => {
      const opened = await desk.open(api.url!, { severity: 4, title: `Incident ${n}` });
      expect(opened.status).toBe(201);
      const responded = await call(api.url!, 'POST', `/incidents/${opened.body.id}/responses`, {
        token: desk.engineer,
        body: { message: 'Looking into it.' },
      });
      expect(responded.status).toBe(200);
      const asked = await call(
        api.url!,
        'POST',
        `/incidents/${opened.body.id}/information-requests`,
        { token: desk.engineer, body: { message: 'Which version?', kind: 'information' } },
      );
      expect(asked.status).toBe(200);
    });
    const covered = await eventIds(deployment.databaseUrl!, 'incident-');
    expect(covered.length).toBeGreaterThanOrEqual(INCIDENTS * 3);

    const checkpoint = async (): Promise<bigint> => {
      const client = new Client({ connectionString: deployment.databaseUrl! });
      await client.connect();
      try {
        const result = await client.query(
          `SELECT checkpoint FROM ${PROJECTION_STATUS_TABLE} WHERE name = 'incidents'`,
        );
        return BigInt(result.rows[0]?.checkpoint ?? 0);
      } catch {
        return 0n;
      } finally {
        await client.end();
      }
    };

    // 1. Killed while projecting: as soon as the incidents projection has moved.
    const first = await spawnEngine('worker', deployment.env);
    const movedTo = await eventually(
      async () => {
        const at = await checkpoint();
        return at > 0n ? at : undefined;
      },
      60_000,
      'the projection to start',
    );
    await first.kill9();
    const projectedAtKill = await checkpoint();

    // 2. Killed while delivering: the slow receiver has requests in flight and more to come.
    const second = await spawnEngine('worker', deployment.env);
    await eventually(
      () => (receiver.deliveries >= 50 && receiver.inFlight > 0 ? true : undefined),
      60_000,
      'deliveries in flight',
    );
    await second.kill9();
    const deliveredAtKill = receiver.ids.size;
    expect(deliveredAtKill).toBeLessThan(covered.length);

    // 3. Restarted: everything catches up.
    const third = await spawnEngine('worker', deployment.env);
    await eventually(
      () => (covered.every((id) => receiver.ids.has(id)) ? true : undefined),
      90_000,
      () => `every event delivered (${receiver.ids.size} of ${covered.length})`,
    );
    const { live, rebuilt } = await projectionsAndRebuild(deployment.databaseUrl!);
    expect(live).toEqual(rebuilt);
    expect((live.incidents as Record<string, unknown[]>).incidents.length).toBe(INCIDENTS);

    const stopped = await third.terminate();
    expect(stopped.code).toBe(0);
    if (process.env.FAULT_TIMINGS)
      console.info({
        events: covered.length,
        movedTo,
        projectedAtKill,
        deliveredAtKill,
        deliveries: receiver.deliveries,
        distinct: receiver.ids.size,
      });
  }, 170_000);
});

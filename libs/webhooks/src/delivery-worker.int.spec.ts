import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { DeliveryQueue, deliveryJobId } from './delivery-queue';
import { DeliveryWorker, type DeliveryAttemptOutcome } from './delivery-worker';
import { webhookFixture, type WebhookFixture } from './testing/webhook-fixture';
import { WebhookDeliverer } from './webhook-deliverer';
import { toWebhookEvent } from './webhook-payload';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

jest.setTimeout(30_000);

async function eventually<T>(read: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Worker processes that die with a delivery in flight (as after kill -9: the job stays active
 * under a lock nobody renews): the job goes back to the queue each time its lock expires, however
 * many workers died with it, and the next worker delivers it.
 */
describe('a delivery caught in flight by crashing workers', () => {
  const prefix = `crash-${randomBytes(4).toString('hex')}`;
  let fixture: WebhookFixture;
  let server: Server;
  let queue: DeliveryQueue;
  const workers: DeliveryWorker[] = [];
  const hung: ServerResponse[] = [];
  let requests = 0;

  beforeAll(async () => {
    fixture = await webhookFixture();
    // The first two requests are never answered (their worker dies first), the third is.
    server = createServer((request, response) => {
      requests += 1;
      request.resume();
      if (requests <= 2) hung.push(response);
      else request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    queue = new DeliveryQueue({ redisUrl: REDIS_URL, prefix, scheduleMs: [0] });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close(1_000).catch(() => undefined);
    await queue?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await fixture?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('is recovered after each crash and delivered once a worker lives', async () => {
    const { port } = server.address() as AddressInfo;
    const { webhookId } = await fixture.subscribe(`http://127.0.0.1:${port}/hooks`);
    const event = toWebhookEvent(
      await fixture.incidentEvent('crashing', 'incident.opened', { customerId: 'acme' }),
    );
    await queue.enqueue([{ webhookId, event, replayId: null }]);
    const outcomes: DeliveryAttemptOutcome[] = [];
    const start = () => {
      const worker = new DeliveryWorker(
        {
          redisUrl: REDIS_URL,
          prefix,
          scheduleMs: [0],
          lockDurationMs: 500,
          onAttempt: (outcome) => outcomes.push(outcome),
        },
        new WebhookDeliverer({
          store: fixture.store,
          cipher: fixture.cipher,
          log: fixture.log,
          allowPrivateTargets: true,
        }),
      );
      workers.push(worker);
      return worker;
    };

    for (const crash of [1, 2]) {
      const worker = start();
      await eventually(() => (requests >= crash ? true : undefined), 15_000, `request ${crash}`);
      // Dies: stops renewing the lock of the job it runs, which stays active in Redis.
      await worker.worker.close(true);
    }
    start();
    await eventually(
      () => (outcomes.includes('delivered') ? true : undefined),
      15_000,
      'the delivery by the third worker',
    );
    expect(requests).toBe(3);
    const job = await queue.queue.getJob(deliveryJobId(webhookId, event.id));
    expect(await job?.getState()).toBe('completed');
  });
});

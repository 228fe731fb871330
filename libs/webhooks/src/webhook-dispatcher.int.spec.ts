import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { DeliveryQueue, type DeliveryJobData } from './delivery-queue';
import {
  deleteQueueKeys,
  REDIS_URL,
  webhookFixture,
  type WebhookFixture,
} from './testing/webhook-fixture';
import { WEBHOOK_DISPATCHER, createWebhookDispatcher } from './webhook-dispatcher';

jest.setTimeout(60_000);

const eventually = async <T>(check: () => Promise<T | false>, what: string): Promise<T> => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** The dispatcher against a real SQLite store and read store and a real Redis queue (no worker). */
describe('webhook dispatcher', () => {
  let fixture: WebhookFixture;
  let queue: DeliveryQueue;
  const prefix = `test-${randomUUID().slice(0, 8)}`;

  beforeEach(async () => {
    fixture = await webhookFixture();
    queue = new DeliveryQueue({ redisUrl: REDIS_URL, prefix, scheduleMs: [60_000] });
    await queue.connected();
  });
  afterEach(async () => {
    await queue.close();
    await fixture.close();
    await deleteQueueKeys(prefix);
  });

  const jobs = async (): Promise<Job<DeliveryJobData>[]> =>
    queue.queue.getJobs(['delayed', 'waiting', 'active', 'completed', 'failed']);
  const run = async (expected: number) => {
    const dispatcher = createWebhookDispatcher(fixture.store, fixture.projections, queue, {
      lease: { ttlMs: 3_000, retryMs: 100 },
    });
    dispatcher.start();
    try {
      return await eventually(async () => {
        const found = await jobs();
        return found.length >= expected && dispatcher.status().state === 'running' && found;
      }, `${expected} jobs`);
    } finally {
      await dispatcher.stop();
    }
  };

  it('enqueues one job per matching subscription and event, from the subscription on', async () => {
    await fixture.incidentEvent('i0', 'incident.opened', { customerId: 'acme' });
    const all = await fixture.subscribe('http://127.0.0.1:9/all');
    const acme = await fixture.subscribe('http://127.0.0.1:9/acme', { customerId: 'acme' });
    const closes = await fixture.subscribe('http://127.0.0.1:9/closes', {
      types: ['incident.resolved'],
    });
    const opened = await fixture.incidentEvent('i1', 'incident.opened', { customerId: 'acme' });
    const responded = await fixture.incidentEvent('i1', 'incident.responded');
    const other = await fixture.incidentEvent('i2', 'incident.opened', { customerId: 'globex' });

    const found = await run(5);
    const pairs = found.map((job) => `${job.data.webhookId} ${job.data.event.id}`).sort();
    expect(pairs).toEqual(
      [
        `${all.webhookId} ${opened.id}`,
        `${all.webhookId} ${responded.id}`,
        `${all.webhookId} ${other.id}`,
        `${acme.webhookId} ${opened.id}`,
        `${acme.webhookId} ${responded.id}`, // its customer learnt from the incident's stream
      ].sort(),
    );
    expect(found.some((job) => job.data.webhookId === closes.webhookId)).toBe(false);
    for (const job of found) expect(job.id).toBe(`${job.data.webhookId}-${job.data.event.id}`);
  });

  it('adds nothing twice when the feed is read again from the start', async () => {
    await fixture.subscribe('http://127.0.0.1:9/all');
    for (let n = 0; n < 3; n += 1) await fixture.incidentEvent(`i${n}`, 'incident.opened');
    const first = await run(3);
    expect(first).toHaveLength(3);

    const status = await fixture.projections.readStatus(WEBHOOK_DISPATCHER);
    expect(status.checkpoint).toBeGreaterThan(0n);
    await fixture.projections.advanceCheckpoint(WEBHOOK_DISPATCHER, status.checkpoint, 0n, null);
    await fixture.incidentEvent('i9', 'incident.opened');
    const again = await run(4);
    expect(again).toHaveLength(4);
    expect(new Set(again.map((job) => job.id)).size).toBe(4);
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UnrecoverableError } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import type { DeliveryJobData } from './delivery-queue';
import { webhookFixture, type WebhookFixture } from './testing/webhook-fixture';
import { resolveTarget } from './target-guard';
import { RetryableDeliveryError, WebhookDeliverer } from './webhook-deliverer';
import { toWebhookEvent } from './webhook-payload';
import { postWebhook } from './webhook-sender';

jest.setTimeout(30_000);

/** A receiver answering each request with `answer(path)`, recording what it got. */
async function receiver(
  answer: (path: string) => { status: number; location?: string; hang?: boolean },
) {
  const got: { path: string; headers: Record<string, string>; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      got.push({ path, headers: request.headers as Record<string, string>, body });
      const { status, location, hang } = answer(path);
      if (hang) return;
      response.writeHead(status, location ? { location } : {});
      response.end('nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    got,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('sending one webhook', () => {
  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const server = await receiver((path) =>
      path === '/old' ? { status: 301, location: '/new' } : { status: 200 },
    );
    try {
      const target = await resolveTarget(`http://127.0.0.1:${server.port}/old`, {
        allowPrivate: true,
      });
      const result = await postWebhook(target, {}, '{}');
      expect(result).toMatchObject({ status: 301, error: 'HTTP 301: nope' });
      expect(server.got.map((request) => request.path)).toEqual(['/old']);
    } finally {
      await server.close();
    }
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const server = await receiver(() => ({ status: 200, hang: true }));
    try {
      const target = await resolveTarget(`http://127.0.0.1:${server.port}/slow`, {
        allowPrivate: true,
      });
      const result = await postWebhook(target, {}, '{}', { timeoutMs: 300 });
      expect(result.status).toBeNull();
      expect(result.error).toBe('no answer within 0.3 s');
      expect(result.latencyMs).toBeGreaterThanOrEqual(250);
    } finally {
      await server.close();
    }
  });
});

describe('delivering a job', () => {
  let fixture: WebhookFixture;
  beforeEach(async () => (fixture = await webhookFixture()));
  afterEach(() => fixture.close());

  const job = async (webhookId: string): Promise<DeliveryJobData> => ({
    webhookId,
    event: toWebhookEvent(
      await fixture.incidentEvent('i1', 'incident.opened', { customerId: 'acme' }),
    ),
    replayId: null,
  });

  it('checks the target again when it sends: a name now resolving to loopback is refused', async () => {
    const server = await receiver(() => ({ status: 200 }));
    try {
      const { webhookId } = await fixture.subscribe(`http://hooks.rebind.test:${server.port}/in`);
      const deliverer = new WebhookDeliverer({
        store: fixture.store,
        cipher: fixture.cipher,
        log: fixture.log,
        allowPrivateTargets: false,
        lookup: async () => [{ address: '127.0.0.1', family: 4 }], // the DNS answer changed
      });
      await expect(deliverer.deliver(await job(webhookId), 1, 'job-1')).rejects.toBeInstanceOf(
        RetryableDeliveryError,
      );
      expect(server.got).toEqual([]);
      const { items } = await fixture.log.page(webhookId, { limit: 10 });
      expect(items).toMatchObject([{ attempt: 1, outcome: 'not-sent', statusCode: null }]);
      expect(items[0].error).toContain('hooks.rebind.test resolves to 127.0.0.1');
    } finally {
      await server.close();
    }
  });

  it('signs what it sends so that the standardwebhooks library verifies it', async () => {
    const server = await receiver(() => ({ status: 204 }));
    try {
      const { webhookId, secret } = await fixture.subscribe(`http://127.0.0.1:${server.port}/in`);
      const deliverer = new WebhookDeliverer({
        store: fixture.store,
        cipher: fixture.cipher,
        log: fixture.log,
        allowPrivateTargets: true,
      });
      const data = await job(webhookId);
      await expect(deliverer.deliver(data, 1, 'job-1')).resolves.toBe('delivered');
      const [request] = server.got;
      expect(request.headers['webhook-id']).toBe(data.event.id);
      expect(new Webhook(secret).verify(request.body, request.headers)).toMatchObject({
        type: 'incident.opened',
        data: { id: data.event.id, streamId: 'incident-i1' },
      });
    } finally {
      await server.close();
    }
  });

  it('disables an endpoint whose attempts kept failing long enough', async () => {
    const server = await receiver(() => ({ status: 500 }));
    try {
      const { webhookId } = await fixture.subscribe(`http://127.0.0.1:${server.port}/in`);
      let clock = Date.parse('2026-11-20T00:00:00Z');
      const deliverer = new WebhookDeliverer({
        store: fixture.store,
        cipher: fixture.cipher,
        log: fixture.log,
        allowPrivateTargets: true,
        now: () => clock,
        disableRule: { failingForMs: 5 * 86_400_000, minFailedBuckets: 12, bucketMs: 3_600_000 },
      });
      const data = await job(webhookId);
      // An attempt every 10 hours: the 13th, 120 hours after the first, is the last one.
      for (let attempt = 1; attempt <= 12; attempt += 1) {
        await expect(deliverer.deliver(data, attempt, 'job-1')).rejects.toBeInstanceOf(
          RetryableDeliveryError,
        );
        clock += 10 * 3_600_000;
      }
      await expect(deliverer.deliver(data, 13, 'job-1')).rejects.toBeInstanceOf(UnrecoverableError);
      const stream = await fixture.store.readStream(`webhook-${webhookId}`);
      expect(stream.at(-1)).toMatchObject({
        type: 'webhook.endpoint-disabled',
        data: { reason: 'endpoint-failing', by: 'system' },
      });
      await expect(deliverer.deliver(data, 14, 'job-1')).resolves.toBe('skipped');
      expect(server.got).toHaveLength(13);
    } finally {
      await server.close();
    }
  });
});

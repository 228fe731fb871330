import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, type Worker } from 'bullmq';
import type { Cluster } from 'ioredis';
import { pendingTimers } from '@engine/domain';
import {
  INTAKE_MIGRATIONS,
  IntakeLogStore,
  NOTIFICATION_QUEUE,
  NotificationQueue,
  type PlannedNotification,
} from '@engine/intake';
import {
  assertRedisAnswers,
  createRedisClient,
  createSqlDatabase,
  StartupError,
  type RedisClient,
  type RedisSettings,
  type SqlDatabase,
} from '@engine/platform';
import { silentLogger } from '@engine/read-models';
import { readIncidentState, TimerQueue, TimerWorker, type TimerFiring } from '@engine/timers';
import {
  DeliveryQueue,
  DeliveryWorker,
  toWebhookEvent,
  WebhookDeliverer,
  type DeliveryAttemptOutcome,
} from '@engine/webhooks';
import { smtpMailSender, type MailSender } from '../apps/worker/src/intake/mail-sender';
import { createNotificationSender } from '../apps/worker/src/intake/notification-sender';
import {
  createTestSqlTarget,
  type TestSqlTarget,
} from '../libs/platform/src/testing/test-databases';
import { webhookFixture, type WebhookFixture } from '../libs/webhooks/src/testing/webhook-fixture';
import { eventually } from './support/engine-process';
import {
  redisClusterUnavailable,
  startThrowawayRedisCluster,
  type ThrowawayRedisCluster,
} from './support/throwaway-redis-cluster';
import { plannedNotification, queueNotification } from './intake/support/notifications';
import { startSmtpReceiver, type SmtpReceiver } from './intake/support/smtp-receiver';
import { openTimerStore, type TimerStore } from './timers/support/timer-store';

jest.setTimeout(60_000);

/** Every key of the cluster under `prefix`, with the slot it hashes to. */
async function keysUnder(redis: Cluster, prefix: string): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  for (const node of redis.nodes('master')) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      for (const key of found) keys.set(key, Number(await node.call('CLUSTER', 'KEYSLOT', key)));
      cursor = next;
    } while (cursor !== '0');
  }
  return keys;
}

const unavailable = redisClusterUnavailable();

if (unavailable && process.env.REQUIRE_SERVICE_SUITES !== '1') {
  // Counted as skipped, said in one line (REQUIRE_SERVICE_SUITES=1 fails instead).
  const reason = `Redis Cluster tests skipped: ${unavailable}`;
  process.stderr.write(`${reason}\n`);
  it.skip(reason, () => undefined);
} else {
  describe('the engine on a Redis Cluster (three masters, throwaway)', () => {
    let cluster: ThrowawayRedisCluster;
    let settings: RedisSettings;
    let redis: Cluster;

    beforeAll(async () => {
      if (unavailable) throw new Error(`Redis Cluster tests: ${unavailable}`);
      cluster = await startThrowawayRedisCluster();
      settings = { url: cluster.url, cluster: true };
      redis = createRedisClient(settings, 'worker') as Cluster;
    });

    afterAll(async () => {
      redis?.disconnect();
      await cluster?.stop();
    });

    it('answers the start-up check; a cluster that is not there fails it in one sentence', async () => {
      await expect(assertRedisAnswers(settings)).resolves.toBeUndefined();
      const error = await assertRedisAnswers({ url: 'redis://127.0.0.1:1', cluster: true }, 1_000)
        .then(() => null)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StartupError);
      expect((error as Error).message).toMatch(
        /^Redis Cluster is not answering at redis:\/\/127\.0\.0\.1:1: /,
      );
    });

    describe('the timer queue', () => {
      const tag = `{timers-${randomBytes(4).toString('hex')}}`;
      let store: TimerStore;
      let queue: TimerQueue;
      let worker: TimerWorker | undefined;

      beforeAll(async () => {
        store = await openTimerStore();
        queue = TimerQueue.open({ ...settings, prefix: tag });
      });
      afterAll(async () => {
        await worker?.close();
        await queue?.close();
        await store?.close();
      });

      it("schedules an incident's deadline, and a worker fires it when it is due", async () => {
        await store.open('on-cluster', 1); // at risk after 3 s, breached after 4 s
        const timers = pendingTimers(await readIncidentState(store.store, 'on-cluster'));
        expect(await queue.sync('on-cluster', timers)).toEqual({ added: 2, removed: 0 });
        expect((await queue.scheduledIds('on-cluster')).sort()).toEqual(
          (await queue.queue.getDelayed()).map((job) => job.id).sort(),
        );

        const fired: TimerFiring[] = [];
        worker = new TimerWorker({
          store: store.store,
          policies: store.policies,
          redis: { ...settings, prefix: tag },
          onFired: (firing) => fired.push(firing),
        });
        const recorded = await eventually(
          () => {
            const types = fired.flatMap((firing) => firing.events.map((event) => event.type));
            return types.includes('incident.response-sla-breached') ? types : undefined;
          },
          15_000,
          'the response deadline to fire',
        );
        expect(recorded).toEqual([
          'incident.response-sla-at-risk',
          'incident.response-sla-breached',
        ]);
        const stream = await store.store.readStream('incident-on-cluster');
        expect(stream.map((event) => event.type)).toContain('incident.response-sla-breached');
      });

      it('keeps every key of the queue, its index included, in the slot of its hash tag', async () => {
        const keys = await keysUnder(redis, tag);
        expect([...keys.keys()]).toEqual(
          expect.arrayContaining([
            `${tag}:incident-timers:scheduled-by-incident`,
            `${tag}:incident-timers:completed`,
          ]),
        );
        expect(new Set(keys.values())).toEqual(
          new Set([Number(await redis.cluster('KEYSLOT', tag))]),
        );
      });
    });

    describe('webhook deliveries', () => {
      const tag = `{webhooks-${randomBytes(4).toString('hex')}}`;
      let fixture: WebhookFixture;
      let server: Server;
      const got: { path: string; headers: IncomingHttpHeaders }[] = [];
      let queue: DeliveryQueue;
      let worker: DeliveryWorker | undefined;

      beforeAll(async () => {
        fixture = await webhookFixture();
        server = createServer((request, response) => {
          got.push({ path: request.url ?? '/', headers: request.headers });
          request.resume();
          request.on('end', () => response.writeHead(204).end());
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        queue = new DeliveryQueue({
          redisUrl: settings.url,
          redisCluster: true,
          prefix: tag,
          scheduleMs: [0],
        });
      });
      afterAll(async () => {
        await worker?.close();
        await queue?.close();
        server?.closeAllConnections();
        await new Promise((resolve) => server?.close(resolve));
        await fixture?.close();
      });

      it('a delivery enqueued on the cluster reaches the receiver', async () => {
        const { port } = server.address() as AddressInfo;
        const { webhookId } = await fixture.subscribe(`http://127.0.0.1:${port}/hooks`);
        const event = toWebhookEvent(
          await fixture.incidentEvent('i1', 'incident.opened', { customerId: 'acme' }),
        );
        expect(await queue.connected()).toBe(true);
        await queue.enqueue([{ webhookId, event, replayId: null }]);

        const outcomes: DeliveryAttemptOutcome[] = [];
        worker = new DeliveryWorker(
          {
            redisUrl: settings.url,
            redisCluster: true,
            prefix: tag,
            scheduleMs: [0],
            onAttempt: (outcome) => outcomes.push(outcome),
          },
          new WebhookDeliverer({
            store: fixture.store,
            cipher: fixture.cipher,
            log: fixture.log,
            allowPrivateTargets: true,
          }),
        );
        await eventually(
          () => (outcomes.length > 0 ? true : undefined),
          15_000,
          'the delivery attempt',
        );
        expect(outcomes).toEqual(['delivered']);
        expect(got.map((request) => request.path)).toEqual(['/hooks']);
        expect(got[0]?.headers['webhook-id']).toBe(event.id);
        const { items } = await fixture.log.page(webhookId, { limit: 10 });
        expect(items).toMatchObject([{ attempt: 1, outcome: 'delivered', statusCode: 204 }]);

        const keys = await keysUnder(redis, tag);
        expect([...keys.keys()]).toContain(`${tag}:webhook-deliveries:completed`);
        expect(new Set(keys.values())).toEqual(
          new Set([Number(await redis.cluster('KEYSLOT', tag))]),
        );
      });
    });

    describe('notification emails', () => {
      const tag = `{intake-${randomBytes(4).toString('hex')}}`;
      let target: TestSqlTarget;
      let database: SqlDatabase;
      let log: IntakeLogStore;
      let receiver: SmtpReceiver;
      let sender: MailSender;
      let queue: Queue<PlannedNotification>;
      let worker: Worker<PlannedNotification>;
      const clients: RedisClient[] = [];

      beforeAll(async () => {
        target = await createTestSqlTarget('sqlite');
        database = await createSqlDatabase({ kind: 'sqlite', sqlitePath: target.sqlitePath });
        await database.migrate(INTAKE_MIGRATIONS);
        log = new IntakeLogStore(database);
        receiver = await startSmtpReceiver();
        // As the worker program makes them: a producer and a blocking consumer, both clusters.
        const producer = createRedisClient(settings, 'producer');
        const consumer = createRedisClient(settings, 'worker');
        clients.push(producer, consumer);
        queue = new Queue<PlannedNotification>(NOTIFICATION_QUEUE, {
          connection: producer,
          prefix: tag,
        });
        sender = smtpMailSender(receiver.url, 'AlmaCare Support <support@almacare.test>');
        worker = createNotificationSender({
          connection: consumer,
          prefix: tag,
          sender,
          log,
          logger: silentLogger,
        });
      });
      afterAll(async () => {
        await worker?.close();
        await queue?.close();
        for (const client of clients) client.disconnect();
        sender?.close();
        await receiver?.close();
        await database?.close();
        await target?.drop();
      });

      it('a notification queued on the cluster is mailed and logged as sent', async () => {
        const notification = plannedNotification();
        await queueNotification(log, new NotificationQueue(queue), notification);
        const mail = await receiver.waitFor((m) => m.parsed.messageId === notification.messageId);
        expect(mail.envelopeTo).toEqual(['acme-lead@example.com']);
        const record = await eventually(
          async () => {
            const found = await log.findNotification(notification.notificationId);
            return found?.status === 'sent' ? found : undefined;
          },
          15_000,
          'the notification to be logged as sent',
        );
        expect(record).toMatchObject({ status: 'sent', attempts: 1 });
        const keys = await keysUnder(redis, tag);
        expect([...keys.keys()]).toContain(`${tag}:${NOTIFICATION_QUEUE}:completed`);
        expect(new Set(keys.values())).toEqual(
          new Set([Number(await redis.cluster('KEYSLOT', tag))]),
        );
      });
    });
  });
}

import { Queue, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import {
  INTAKE_MIGRATIONS,
  IntakeLogStore,
  NOTIFICATION_QUEUE,
  NotificationQueue,
  type NotificationRecord,
  type PlannedNotification,
} from '@engine/intake';
import { createSqlDatabase, type SqlDatabase } from '@engine/platform';
import { silentLogger } from '@engine/read-models';
import {
  createTestSqlTarget,
  type TestSqlTarget,
} from '../../libs/platform/src/testing/test-databases';
import { smtpMailSender, type MailSender } from '../../apps/worker/src/intake/mail-sender';
import { createNotificationSender } from '../../apps/worker/src/intake/notification-sender';
import { eventually, freePort, testQueues } from './support/intake-env';
import { plannedNotification, queueNotification } from './support/notifications';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SUPPORT = 'AlmaCare Support <support@almacare.test>';

/**
 * The notification sender against real Redis (BullMQ) and a real SMTP server on loopback:
 * retries with backoff on temporary failures, gives up at once on a permanent refusal, and
 * mails a notification queued twice once. Retries are shortened (3 attempts, 50 ms backoff).
 */
describe('notification sender (BullMQ + SMTP)', () => {
  const queues = testQueues();
  const prefix = queues.env.INTAKE_QUEUE_PREFIX;
  let target: TestSqlTarget;
  let database: SqlDatabase;
  let log: IntakeLogStore;
  let receiver: SmtpReceiver;
  let producer: Redis;
  let queue: Queue<PlannedNotification>;
  let outbox: NotificationQueue;
  const workers: Worker[] = [];
  const senders: MailSender[] = [];
  const connections: Redis[] = [];

  beforeAll(async () => {
    target = await createTestSqlTarget('sqlite');
    database = await createSqlDatabase({ kind: 'sqlite', sqlitePath: target.sqlitePath });
    await database.migrate(INTAKE_MIGRATIONS);
    log = new IntakeLogStore(database);
    receiver = await startSmtpReceiver();
    producer = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    queue = new Queue<PlannedNotification>(NOTIFICATION_QUEUE, { connection: producer, prefix });
    outbox = new NotificationQueue(queue, { attempts: 3, backoffMs: 50 });
  });

  afterAll(async () => {
    for (const worker of workers) await worker.close();
    for (const sender of senders) sender.close();
    for (const connection of connections) connection.disconnect();
    await queue?.close();
    producer?.disconnect();
    await receiver?.close();
    await database?.close();
    await target?.drop();
    await queues.cleanup();
  });

  const startSender = (smtpUrl: string) => {
    const sender = smtpMailSender(smtpUrl, SUPPORT);
    senders.push(sender);
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    connections.push(connection);
    const worker = createNotificationSender({
      connection,
      prefix,
      sender,
      log,
      logger: silentLogger,
    });
    workers.push(worker);
    return worker;
  };

  const queueOne = (notification: PlannedNotification) =>
    queueNotification(log, outbox, notification);

  const settled = (id: string): Promise<NotificationRecord> =>
    eventually(
      async () => {
        const record = await log.findNotification(id);
        return record && (record.status === 'sent' || record.status === 'failed')
          ? record
          : undefined;
      },
      15_000,
      `notification ${id} to settle`,
    );

  describe('with the mail server up', () => {
    beforeAll(() => {
      startSender(receiver.url);
    });

    it('sends with the engine’s From, Message-ID and thread headers', async () => {
      const notification = plannedNotification();
      await queueOne(notification);
      const mail = await receiver.waitFor((m) => m.parsed.messageId === notification.messageId);
      expect(mail.envelopeTo).toEqual(['acme-lead@example.com']);
      expect(mail.parsed.from?.text).toBe('"AlmaCare Support" <support@almacare.test>');
      expect(mail.parsed.subject).toBe('[INC-1001] nginx returns 502');
      expect(mail.parsed.inReplyTo).toBe('<root@mail.example.com>');
      expect(mail.parsed.references).toBe('<root@mail.example.com>');
      expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
      expect(await settled(notification.notificationId)).toMatchObject({
        status: 'sent',
        attempts: 1,
      });
    });

    it('retries temporary failures (451) with backoff, then sends once', async () => {
      receiver.failNext(2, 451);
      const notification = plannedNotification();
      await queueOne(notification);
      expect(await settled(notification.notificationId)).toMatchObject({
        status: 'sent',
        attempts: 3,
        error: null,
      });
      expect(
        receiver.mails.filter((m) => m.parsed.messageId === notification.messageId),
      ).toHaveLength(1);
    });

    it('gives up at once on a permanent refusal (550) and logs it as failed', async () => {
      receiver.failNext(1, 550);
      const notification = plannedNotification();
      await queueOne(notification);
      const record = await settled(notification.notificationId);
      expect(record).toMatchObject({ status: 'failed', attempts: 1 });
      expect(record.error).toMatch(/550/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect((await log.findNotification(notification.notificationId))?.attempts).toBe(1);
      expect(receiver.mails.some((m) => m.parsed.messageId === notification.messageId)).toBe(false);
    });

    it('mails a notification queued twice (a replayed feed) once', async () => {
      const notification = plannedNotification();
      await queueOne(notification);
      await queueOne(notification);
      await settled(notification.notificationId);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(
        receiver.mails.filter((m) => m.parsed.messageId === notification.messageId),
      ).toHaveLength(1);
    });
  });

  describe('with no mail server answering', () => {
    it('fails after every attempt, logged with the reason', async () => {
      for (const worker of workers.splice(0)) await worker.close();
      startSender(`smtp://127.0.0.1:${await freePort()}`);
      const notification = plannedNotification();
      await queueOne(notification);
      const record = await settled(notification.notificationId);
      expect(record).toMatchObject({ status: 'failed', attempts: 3 });
      expect(record.error).toMatch(/ECONNREFUSED|connect/i);
    });
  });
});

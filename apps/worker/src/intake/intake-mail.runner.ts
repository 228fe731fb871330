import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Queue, type Worker } from 'bullmq';
import type { EventStore } from '@engine/event-store';
import {
  createIntakeMailFollower,
  domainOf,
  IntakeDirectoryStore,
  IntakeLogStore,
  NOTIFICATION_QUEUE,
  NotificationQueue,
  type PlannedNotification,
} from '@engine/intake';
import {
  createRedisClient,
  ENGINE_CONFIG,
  EngineMetrics,
  EVENT_STORE,
  redisSettingsOf,
  type EngineConfig,
  type RedisClient,
  type SqlDatabase,
} from '@engine/platform';
import {
  createProjectionStore,
  type FeedFollower,
  type ProjectionStore,
} from '@engine/read-models';
import { INTAKE_DATABASE } from '../../../api/src/intake/intake-core.module';
import { smtpMailSender, type MailSender } from './mail-sender';
import { createNotificationSender } from './notification-sender';

/** Shutdown never waits on a dead Redis longer than this. */
const CLOSE_TIMEOUT_MS = 5_000;

const bounded = (work: Promise<unknown>, ms = CLOSE_TIMEOUT_MS): Promise<unknown> =>
  Promise.race([
    work.catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, ms).unref()),
  ]);

/**
 * The intake's feed follower (lead directory, threads, notifications to queue) and, when
 * SMTP_URL is set, the BullMQ queue and the worker that mails the notifications.
 */
@Injectable()
export class IntakeMailRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('IntakeMail');
  private projections: ProjectionStore | null = null;
  private follower: FeedFollower | null = null;
  private queue: Queue<PlannedNotification> | null = null;
  private worker: Worker<PlannedNotification> | null = null;
  private sender: MailSender | null = null;
  private readonly connections: RedisClient[] = [];
  private untrackLag: () => void = () => undefined;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(INTAKE_DATABASE) private readonly database: SqlDatabase,
    private readonly directory: IntakeDirectoryStore,
    private readonly log: IntakeLogStore,
    private readonly metrics: EngineMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const { config } = this;
    this.projections = createProjectionStore(this.database);
    let outbox: NotificationQueue | null = null;
    if (config.smtpUrl !== null) {
      // Producer: fail fast while Redis is away (the follower retries the batch); worker: block.
      const producer = createRedisClient(redisSettingsOf(config), 'producer');
      const consumer = createRedisClient(redisSettingsOf(config), 'worker');
      this.connections.push(producer, consumer);
      this.queue = new Queue<PlannedNotification>(NOTIFICATION_QUEUE, {
        connection: producer,
        prefix: config.intakeQueuePrefix,
      });
      this.queue.on('error', () => undefined);
      outbox = new NotificationQueue(this.queue);
      this.sender = smtpMailSender(config.smtpUrl, config.smtpFrom);
      this.worker = createNotificationSender({
        connection: consumer,
        prefix: config.intakeQueuePrefix,
        sender: this.sender,
        log: this.log,
        logger: this.logger,
      });
    } else {
      this.logger.warn('SMTP_URL is unset: email incidents get no notifications by email');
    }
    this.follower = createIntakeMailFollower(this.store, {
      projections: this.projections,
      directory: this.directory,
      log: this.log,
      outbox,
      senderDomain: domainOf(config.smtpFrom),
      logger: this.logger,
    });
    this.follower.start();
    this.untrackLag = this.metrics.trackLag(this.follower);
  }

  async onApplicationShutdown(): Promise<void> {
    this.untrackLag();
    await this.follower?.stop();
    // With Redis away nothing in progress can be acknowledged: close at once instead of waiting.
    const away = this.connections.some((connection) => connection.status !== 'ready');
    if (this.worker) await bounded(this.worker.close(away), away ? 1_000 : CLOSE_TIMEOUT_MS);
    if (this.queue) await bounded(this.queue.close(), away ? 1_000 : CLOSE_TIMEOUT_MS);
    for (const connection of this.connections) connection.disconnect();
    this.sender?.close();
    await this.projections?.close();
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { EventStore } from '@engine/event-store';
import {
  ENGINE_CONFIG,
  EngineMetrics,
  EVENT_STORE,
  redisSettingsOf,
  SQL_DATABASE,
  type EngineConfig,
  type SqlDatabase,
} from '@engine/platform';
import {
  createProjectionStore,
  migrateReadModels,
  type FeedFollower,
  type ProjectionStore,
} from '@engine/read-models';
import {
  DeliveryLog,
  DeliveryQueue,
  SecretCipher,
  WEBHOOK_MIGRATIONS,
  WebhookDeliverer,
  DeliveryWorker,
  createWebhookDispatcher,
  whenRedisAnswers,
  type DeliveryQueueSettings,
} from '@engine/webhooks';

const CLOSE_TIMEOUT_MS = 3_000;

/**
 * Runs the webhook side of the worker: the dispatcher (one active per deployment, a lease in the
 * read store) following the feed into the delivery queue, and the delivery workers (any number).
 */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Webhooks');
  private projections: ProjectionStore | null = null;
  private queue: DeliveryQueue | null = null;
  private dispatcher: FeedFollower | null = null;
  private worker: DeliveryWorker | null = null;
  private starting: Promise<void> = Promise.resolve();
  private readonly stopping = new AbortController();
  private untrackLag: () => void = () => undefined;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly database: SqlDatabase,
    private readonly metrics: EngineMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.database.migrate(WEBHOOK_MIGRATIONS);
    await migrateReadModels(this.database); // the dispatcher's checkpoint and lease live there
    const settings: DeliveryQueueSettings = {
      redisUrl: this.config.redisUrl,
      redisCluster: this.config.redisCluster,
      prefix: this.config.webhookQueuePrefix,
      scheduleMs: this.config.webhookRetryScheduleMs,
    };
    if (!this.config.webhookSecretKey)
      this.logger.warn('WEBHOOK_SECRET_KEY is not set: no webhook can be created or signed.');
    this.projections = createProjectionStore(this.database);
    this.queue = new DeliveryQueue(settings);
    this.dispatcher = createWebhookDispatcher(this.store, this.projections, this.queue, {
      logger: {
        log: (message) => this.logger.log(message),
        warn: (message) => this.logger.warn(message),
        error: (message, trace) => this.logger.error(message, trace),
      },
    });
    const deliverer = new WebhookDeliverer({
      store: this.store,
      cipher: this.config.webhookSecretKey ? new SecretCipher(this.config.webhookSecretKey) : null,
      log: new DeliveryLog(this.database),
      allowPrivateTargets: this.config.webhookAllowPrivateTargets,
      warn: (message) => this.logger.warn(message),
    });
    this.dispatcher.start();
    this.untrackLag = this.metrics.trackLag(this.dispatcher);
    // In the background: a worker started while Redis is away could not be closed cleanly.
    this.starting = whenRedisAnswers(redisSettingsOf(this.config), this.stopping.signal).then(
      (answers) => {
        if (!answers) return;
        this.worker = new DeliveryWorker(
          {
            ...settings,
            onError: (error) => this.logger.warn(`delivery worker: ${error.message}`),
            onAttempt: (outcome) => this.metrics.webhookDelivery(outcome),
          },
          deliverer,
        );
      },
    );
  }

  /** Before the event store and the read store close (their modules close on shutdown). */
  /**
   * For `/health/ready`: this process's delivery worker is running (not closed or closing). Until
   * Redis first answers it is not created yet; that counts as running (the Redis check fails).
   */
  workerRunning(): boolean {
    if (this.worker === null) return !this.stopping.signal.aborted;
    return this.worker.worker.isRunning() && !this.worker.worker.closing;
  }

  async onModuleDestroy(): Promise<void> {
    this.untrackLag();
    this.stopping.abort();
    await this.starting;
    await this.dispatcher?.stop();
    // Closing BullMQ waits on Redis; with Redis gone that could hang shutdown, so it is bounded.
    let timer: NodeJS.Timeout | undefined;
    const bounded = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      timer.unref();
    });
    const closing = (async () => {
      await this.worker?.close();
      await this.queue?.close();
    })().catch((error: Error) => this.logger.warn(`closing the delivery queue: ${error.message}`));
    await Promise.race([closing, bounded]);
    clearTimeout(timer);
    await this.projections?.close();
  }
}

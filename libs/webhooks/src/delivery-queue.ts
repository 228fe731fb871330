import { Queue, type JobsOptions } from 'bullmq';
import { connectedWithin, createRedisClient, type RedisClient } from '@engine/platform';
import type { WebhookEventData } from './webhook-payload';

export const DELIVERY_QUEUE = 'webhook-deliveries';
/** The custom backoff of delivery jobs (see DeliveryWorker's backoffStrategy). */
export const DELIVERY_BACKOFF = 'webhook-schedule';

export interface DeliveryJobData {
  readonly webhookId: string;
  readonly event: WebhookEventData;
  /** Set for a replayed delivery: its attempts are logged under this replay. */
  readonly replayId: string | null;
}

/**
 * One job per (subscription, event): adding it again is a no-op while the job is kept, so a feed
 * read twice delivers once. A replay is a new job for the same pair. No `:` (BullMQ refuses it).
 */
export const deliveryJobId = (
  webhookId: string,
  eventId: string,
  replayId?: string | null,
): string => (replayId ? `${webhookId}-${eventId}-replay-${replayId}` : `${webhookId}-${eventId}`);

export interface DeliveryQueueSettings {
  /** REDIS_URL: one node, or with `redisCluster` the seed nodes of a cluster. */
  readonly redisUrl: string;
  /** REDIS_CLUSTER. Default false. */
  readonly redisCluster?: boolean;
  /** WEBHOOK_QUEUE_PREFIX. */
  readonly prefix: string;
  /** WEBHOOK_RETRY_SCHEDULE in milliseconds: the first entry delays the first attempt. */
  readonly scheduleMs: readonly number[];
}

/** The Redis settings of a delivery queue or worker. */
export const deliveryRedisSettings = (settings: DeliveryQueueSettings) => ({
  url: settings.redisUrl,
  cluster: settings.redisCluster ?? false,
});

/** Completed jobs are kept a day, so re-reading the feed within a day adds nothing again. */
const KEEP_COMPLETED_S = 24 * 60 * 60;
const KEEP_FAILED_S = 7 * 24 * 60 * 60;
const BULK = 500;

/** The producer side: the dispatcher and replays add delivery jobs here. */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJobData>;
  private readonly redis: RedisClient;
  private readonly options: JobsOptions;

  constructor(settings: DeliveryQueueSettings) {
    // A producer fails fast while Redis is away (the caller retries or answers 503), never hangs.
    // Its errors are reported by the calls that fail.
    this.redis = createRedisClient(deliveryRedisSettings(settings), 'producer');
    this.queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, {
      prefix: settings.prefix,
      connection: this.redis,
      // No start-up handshake that a close could cut short: BullMQ would report that as an error
      // after it let go of its listeners (an unhandled error).
      skipWaitingForReady: true,
      skipVersionCheck: true,
    });
    this.queue.on('error', () => undefined);
    this.options = {
      attempts: Math.max(1, settings.scheduleMs.length),
      backoff: { type: DELIVERY_BACKOFF },
      delay: settings.scheduleMs[0] ?? 0,
      removeOnComplete: { age: KEEP_COMPLETED_S },
      removeOnFail: { age: KEEP_FAILED_S },
    };
  }

  async enqueue(deliveries: readonly DeliveryJobData[]): Promise<void> {
    await this.connected();
    for (let start = 0; start < deliveries.length; start += BULK) {
      await this.queue.addBulk(
        deliveries.slice(start, start + BULK).map((data) => ({
          name: data.event.type,
          data,
          opts: {
            ...this.options,
            jobId: deliveryJobId(data.webhookId, data.event.id, data.replayId),
          },
        })),
      );
    }
  }

  /**
   * Waits (up to `ms`) for a connection still being made, as at start-up; a connection that was
   * lost is not waited for: the call fails at once, and its caller retries or answers 503.
   */
  async connected(ms = 2_000): Promise<boolean> {
    return connectedWithin(this.redis, ms);
  }

  /** Bounded, and the connection is ours to end at once: a dead Redis never holds up shutdown. */
  async close(): Promise<void> {
    await boundedClose(
      () => this.queue.close(),
      async () => undefined,
    );
    this.redis.disconnect();
  }
}

/** Runs `close`; if it has not finished after `ms`, runs `force` instead of waiting on. */
export async function boundedClose(
  close: () => Promise<void>,
  force: () => Promise<void>,
  ms = 5_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  const outcome = await Promise.race([close().catch(() => 'failed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome !== undefined) await force().catch(() => undefined);
}

import { UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  assertRedisAnswers,
  createRedisClient,
  STALLED_JOB_RECOVERIES,
  type RedisClient,
  type RedisSettings,
} from '@engine/platform';
import {
  DELIVERY_QUEUE,
  boundedClose,
  deliveryRedisSettings,
  type DeliveryJobData,
  type DeliveryQueueSettings,
} from './delivery-queue';
import { nextAttemptDelayMs } from './retry-policy';
import {
  RetryableDeliveryError,
  type DeliveryOutcome,
  type WebhookDeliverer,
} from './webhook-deliverer';

export interface DeliveryWorkerOptions extends DeliveryQueueSettings {
  /** Deliveries in flight at once (they mostly wait on receivers). Default 16. */
  readonly concurrency?: number;
  readonly onError?: (error: Error) => void;
  /** Hears how each attempt ended (metrics). */
  readonly onAttempt?: (outcome: DeliveryAttemptOutcome) => void;
  /**
   * How long a delivery in flight stays locked to its worker (renewed while it runs): after a
   * crash it goes back to the queue within about twice this. Default BullMQ's 30 s.
   */
  readonly lockDurationMs?: number;
}

/**
 * `delivered` (2xx), `skipped` (the endpoint is disabled or removed), `retried` (will be tried
 * again), `gave-up` (the schedule's last attempt failed), `disabled` (the endpoint was disabled
 * now: 410 Gone or failing too long), `error` (on the engine's side; retried).
 */
export type DeliveryAttemptOutcome =
  'delivered' | 'skipped' | 'retried' | 'gave-up' | 'disabled' | 'error';

const failedAttempt = (error: unknown, job: Job<DeliveryJobData>): DeliveryAttemptOutcome => {
  if (error instanceof UnrecoverableError) return 'disabled';
  if (!(error instanceof RetryableDeliveryError)) return 'error';
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ? 'gave-up' : 'retried';
};

/**
 * The consumer side: competing BullMQ workers, any number of processes. A failed attempt is
 * retried on the schedule (with jitter), later when the receiver asked with Retry-After; the
 * `attempts` of the job are the schedule's length.
 */
export class DeliveryWorker {
  readonly worker: Worker<DeliveryJobData, DeliveryOutcome>;
  private readonly redis: RedisClient;

  constructor(options: DeliveryWorkerOptions, deliverer: WebhookDeliverer) {
    // BullMQ's blocking reads need maxRetriesPerRequest: null; the worker reports its own errors.
    // BullMQ duplicates it for its blocking connection (which it owns and ends).
    this.redis = createRedisClient(deliveryRedisSettings(options), 'worker');
    this.worker = new Worker<DeliveryJobData, DeliveryOutcome>(
      DELIVERY_QUEUE,
      async (job) => {
        try {
          const outcome = await deliverer.deliver(job.data, job.attemptsMade + 1, job.id ?? '');
          options.onAttempt?.(outcome);
          return outcome;
        } catch (error) {
          options.onAttempt?.(failedAttempt(error, job));
          throw error;
        }
      },
      {
        prefix: options.prefix,
        connection: this.redis,
        concurrency: options.concurrency ?? 16,
        maxStalledCount: STALLED_JOB_RECOVERIES,
        ...(options.lockDurationMs
          ? { lockDuration: options.lockDurationMs, stalledInterval: options.lockDurationMs }
          : {}),
        settings: {
          backoffStrategy: (attemptsMade, _type, error) =>
            nextAttemptDelayMs(
              options.scheduleMs,
              attemptsMade,
              error instanceof RetryableDeliveryError ? error.retryAfterMs : null,
            ),
        },
      },
    );
    this.worker.on('error', (error) => options.onError?.(error));
  }

  /**
   * Lets deliveries in flight finish, but never waits on a dead Redis for long. BullMQ reports a
   * connection closed before it was ready as an error after the worker let go of its listeners
   * (an unhandled error), so the worker first gets a moment to become ready.
   */
  async close(ms = 10_000): Promise<void> {
    if (this.redis.status !== 'ready') {
      // Redis is away: no delivery in progress could be acknowledged anyway (it is found stalled
      // and retried later), and a graceful close would wait for a reconnection. Force it.
      await settledWithin(this.worker.close(true), 1_000);
      this.redis.disconnect();
      return;
    }
    await settledWithin(this.worker.waitUntilReady(), 5_000);
    await boundedClose(
      () => this.worker.close(),
      async () => {
        // Adapter edge: the blocking connection is BullMQ's own, with no public way to end it.
        const internals = this.worker as unknown as {
          blockingConnection?: { disconnect(wait: boolean): Promise<void> };
        };
        await internals.blockingConnection?.disconnect(false);
      },
      ms,
    );
    this.redis.disconnect();
  }
}

/** Polls until Redis answers a PING (true), or `signal` aborts first (false). */
export async function whenRedisAnswers(
  redis: RedisSettings,
  signal: AbortSignal,
): Promise<boolean> {
  while (!signal.aborted) {
    try {
      await assertRedisAnswers(redis, 2_000);
      return true;
    } catch {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
  return false;
}

const settledWithin = (work: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
};

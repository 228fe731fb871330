import { Queue, type JobsOptions } from 'bullmq';
import type { IncidentTimer } from '@engine/domain';
import {
  bullmqConnection,
  connectedWithin,
  QueueUnavailableError,
  valueWithin,
  within,
  type BullmqConnection,
  type RedisClient,
  type RedisTarget,
} from '@engine/platform';
import { INCIDENT_TIMERS_QUEUE, timerJob, type TimerJob, type TimerJobData } from './timer-job';

/** The backoff of a timer whose command failed for a transient reason (see timerRetryDelay). */
export const TIMER_RETRY_BACKOFF = 'timer-retry';

/**
 * Transient failures (the store does not answer) retry for days with a capped backoff rather than
 * giving up after a few minutes: a timer that gave up would stay failed (its id stays taken).
 */
const JOB_OPTIONS: JobsOptions = {
  attempts: 1_000,
  backoff: { type: TIMER_RETRY_BACKOFF },
  // Kept a while for inspection; a re-added id of a kept job is a no-op, and a fired timer's id
  // never comes back (the event it recorded takes the timer out of the pending ones).
  removeOnComplete: { age: 3_600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3_600 },
};

/** 1 s, 2 s, 4 s ... capped at 5 minutes, with jitter so that many retries do not bunch up. */
export const timerRetryDelay = (attemptsMade: number): number => {
  const ceiling = Math.min(300_000, 1_000 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
};

export interface SyncResult {
  readonly added: number;
  readonly removed: number;
}

export interface EnsureResult {
  readonly scheduled: number;
  readonly alreadyScheduled: number;
}

const parseIds = (value: string | null): string[] => (value ? value.split(',') : []);

/**
 * The producer side of the timer queue: delayed jobs with deterministic ids, and per incident the
 * ids it scheduled (one field per incident in one hash), so that a timer that is no longer
 * pending (answered, moved, paused, closed) has its job removed.
 */
export class TimerQueue {
  readonly queue: Queue<TimerJobData>;
  private readonly connection: BullmqConnection;
  /** Hash: incident id -> its scheduled job ids, comma-separated (job ids never contain `,`). */
  private readonly indexKey: string;

  constructor(
    target: RedisTarget,
    readonly name = INCIDENT_TIMERS_QUEUE,
    private readonly readyTimeoutMs = 1_000,
  ) {
    this.connection = bullmqConnection(target, 'producer');
    this.queue = new Queue<TimerJobData>(name, {
      ...this.connection.options,
      prefix: target.prefix,
    });
    // Connection errors reach the callers whose commands fail; unheard, they would crash the process.
    this.queue.on('error', () => undefined);
    // Not a job key: job ids always end in `-<dueAtMs>`.
    this.indexKey = this.queue.toKey('scheduled-by-incident');
  }

  static open(target: RedisTarget, name = INCIDENT_TIMERS_QUEUE): TimerQueue {
    return new TimerQueue(target, name);
  }

  /**
   * Makes the incident's scheduled jobs exactly its pending timers: adds the new ones, removes the
   * jobs of timers that disappeared. The index first grows to cover both, so a crash half-way leaves
   * no job that a later sync would not find. New jobs carry `correlationId` (see TimerJobData).
   */
  async sync(
    incidentId: string,
    timers: readonly IncidentTimer[],
    now = Date.now(),
    correlationId?: string,
  ): Promise<SyncResult> {
    const client = await this.ready();
    const jobs = timers.map((timer) => timerJob(timer, correlationId));
    const next = new Set(jobs.map((job) => job.id));
    const previous = parseIds(await client.hget(this.indexKey, incidentId));
    const known = new Set(previous);
    const fresh = jobs.filter((job) => !known.has(job.id));
    const stale = previous.filter((id) => !next.has(id));
    if (fresh.length === 0 && stale.length === 0) return { added: 0, removed: 0 };
    if (fresh.length > 0) {
      await client.hset(
        this.indexKey,
        incidentId,
        [...previous, ...fresh.map((j) => j.id)].join(','),
      );
      await this.add(fresh, now);
    }
    for (const id of stale) await this.queue.remove(id);
    if (next.size > 0) await client.hset(this.indexKey, incidentId, [...next].join(','));
    else await client.hdel(this.indexKey, incidentId);
    return { added: fresh.length, removed: stale.length };
  }

  /**
   * Reconciliation: schedules the timers whose job is missing (Redis lost it) and leaves the others
   * alone. Removes nothing: the index only grows here, and the next sync prunes it.
   */
  async ensure(
    incidentId: string,
    timers: readonly IncidentTimer[],
    now = Date.now(),
  ): Promise<EnsureResult> {
    if (timers.length === 0) return { scheduled: 0, alreadyScheduled: 0 };
    const client = await this.ready();
    const jobs = timers.map((timer) => timerJob(timer));
    const pipeline = client.pipeline();
    for (const job of jobs) pipeline.exists(this.queue.toKey(job.id));
    pipeline.hget(this.indexKey, incidentId);
    const answers = (await pipeline.exec()) ?? [];
    const failed = answers.find(([error]) => error !== null);
    if (failed) throw failed[0];
    const missing = jobs.filter((_, index) => answers[index]?.[1] === 0);
    const indexed = parseIds((answers[jobs.length]?.[1] as string | null) ?? null);
    const union = new Set([...indexed, ...jobs.map((job) => job.id)]);
    if (union.size !== indexed.length)
      await client.hset(this.indexKey, incidentId, [...union].join(','));
    if (missing.length > 0) await this.add(missing, now);
    return { scheduled: missing.length, alreadyScheduled: jobs.length - missing.length };
  }

  /** The job ids scheduled for an incident, as the index records them. */
  async scheduledIds(incidentId: string): Promise<string[]> {
    const client = await this.ready();
    return parseIds(await client.hget(this.indexKey, incidentId));
  }

  /** Closes the queue without waiting on a Redis that does not answer. */
  async close(timeoutMs = 5_000): Promise<void> {
    await within(this.queue.close(), timeoutMs);
    // With Redis gone, BullMQ's QUIT fails and leaves the client reconnecting for ever: end it.
    if (this.connection.cluster) this.connection.end();
    else (await valueWithin(this.queue.client, 500))?.disconnect();
  }

  /**
   * The shared connection once the queue has connected it. While Redis is away this fails at once
   * (QueueUnavailableError: 503 for a caller over HTTP, a retry for the scheduler); before the
   * first connection BullMQ would wait forever, so that wait is bounded.
   */
  private async ready(): Promise<RedisClient> {
    // A cluster client is ours (BullMQ does not wait for it): wait for its first connection here.
    const { cluster } = this.connection;
    if (cluster) await connectedWithin(cluster, this.readyTimeoutMs);
    const connected = cluster ?? (await valueWithin(this.queue.client, this.readyTimeoutMs));
    const client = connected as unknown as RedisClient | undefined;
    if (client?.status !== 'ready')
      throw new QueueUnavailableError(
        `Redis is not answering at the timer queue (${client?.status ?? 'not connected'}); retry shortly.`,
      );
    return client;
  }

  private async add(jobs: readonly TimerJob[], now: number): Promise<void> {
    await this.queue.addBulk(
      jobs.map((job) => ({
        name: job.data.kind,
        data: job.data,
        opts: {
          ...JOB_OPTIONS,
          jobId: job.id,
          delay: Math.max(0, Date.parse(job.data.dueAt) - now),
        },
      })),
    );
  }
}

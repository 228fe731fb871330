import { UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  createIncidentDecider,
  DomainError,
  incidentStreamId,
  SYSTEM_ACTOR,
  type IncidentCommand,
  type IncidentState,
  type PolicyRegistry,
} from '@engine/domain';
import { handleCommand, type EventStore, type RecordedEvent } from '@engine/event-store';
import {
  answers,
  bullmqConnection,
  within,
  type BullmqConnection,
  type RedisTarget,
  STALLED_JOB_RECOVERIES,
} from '@engine/platform';
import { INCIDENT_TIMERS_QUEUE, timerCommandId, type TimerJobData } from './timer-job';
import { TIMER_RETRY_BACKOFF, timerRetryDelay } from './timer-queue';

export interface TimerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, trace?: string): void;
}

export interface TimerFiring {
  readonly jobId: string;
  readonly data: TimerJobData;
  /** When the command was decided (never before `data.dueAt`). */
  readonly now: string;
  /** What the decider recorded: nothing when the timer was no longer due. */
  readonly events: readonly RecordedEvent[];
  /** The job had fired before: `events` were recorded then, nothing now. */
  readonly replayed: boolean;
  /** The incident after the command. */
  readonly state: IncidentState;
}

export interface FireTimerDeps {
  readonly store: EventStore;
  readonly policies: PolicyRegistry;
  /** The clock; tests may move it. Default `Date.now`. */
  readonly clock?: () => number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const commandOf = (data: TimerJobData, now: string): IncidentCommand => {
  const meta = { now, actor: SYSTEM_ACTOR };
  switch (data.command.type) {
    case 'RemindCustomer':
      return { type: 'RemindCustomer', data: { reminder: data.command.reminder }, meta };
    case 'CheckResponseSla':
    case 'CheckStatusReport':
    case 'TimeOutCustomerSide':
      return { type: data.command.type, data: {}, meta };
  }
};

/**
 * Sends the timer's command as the system, decided at the current time but never before the due
 * time (a job released early by clock skew between hosts waits), with a command id derived from the
 * job id: a job that fires twice, on one worker or two, records its events once. The decider
 * judges whether anything is still due.
 */
export function timerFirer(deps: FireTimerDeps) {
  const decider = createIncidentDecider(deps.policies);
  const clock = deps.clock ?? Date.now;
  return async (jobId: string, data: TimerJobData): Promise<TimerFiring> => {
    const dueMs = Date.parse(data.dueAt);
    const early = dueMs - clock();
    if (early > 0) await sleep(early);
    const now = new Date(Math.max(clock(), dueMs)).toISOString();
    const commandId = timerCommandId(jobId);
    const result = await handleCommand(
      deps.store,
      incidentStreamId(data.incidentId),
      decider,
      commandOf(data, now),
      // Without the scheduling event's correlation, the command id (`timer:<job id>`) is it.
      { commandId, correlationId: data.correlationId },
    );
    const replayed = result.replayed === true;
    return { jobId, data, now, events: result.events, replayed, state: result.state };
  };
}

export interface TimerWorkerOptions extends FireTimerDeps {
  readonly redis: RedisTarget;
  readonly queueName?: string;
  /** Jobs processed at once by this worker. Default 16. */
  readonly concurrency?: number;
  readonly logger?: TimerLogger;
  /** Called after each fired timer (tests and the bench watch it). */
  readonly onFired?: (firing: TimerFiring) => void;
}

/**
 * A BullMQ worker on the timer queue: any number of them compete for the jobs. A refusal by the
 * decider (a DomainError: no such incident, a policy version that no longer loads) cannot get
 * better by retrying, so the job fails at once (UnrecoverableError) and is logged; any other
 * failure (the store does not answer, a write race that kept losing) is retried with backoff.
 */
export class TimerWorker {
  readonly worker: Worker<TimerJobData>;
  private readonly connection: BullmqConnection;

  constructor(options: TimerWorkerOptions) {
    this.connection = bullmqConnection(options.redis, 'worker');
    const fire = timerFirer(options);
    const logger = options.logger;
    this.worker = new Worker<TimerJobData>(
      options.queueName ?? INCIDENT_TIMERS_QUEUE,
      async (job: Job<TimerJobData>) => {
        const jobId = job.id ?? job.name;
        try {
          const firing = await fire(jobId, job.data);
          options.onFired?.(firing);
          return { recorded: firing.events.map((event) => event.type) };
        } catch (error) {
          if (error instanceof DomainError) {
            logger?.error(`timer ${jobId}: refused (${error.code}): ${error.message}; not retried`);
            throw new UnrecoverableError(`${error.code}: ${error.message}`);
          }
          const reason = error instanceof Error ? error.message : String(error);
          logger?.warn(`timer ${jobId}: ${reason}; retrying (attempt ${job.attemptsMade + 1})`);
          throw error;
        }
      },
      {
        ...this.connection.options,
        prefix: options.redis.prefix,
        concurrency: options.concurrency ?? 16,
        maxStalledCount: STALLED_JOB_RECOVERIES,
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) =>
            type === TIMER_RETRY_BACKOFF ? timerRetryDelay(attemptsMade) : 1_000,
        },
      },
    );
    this.worker.on('error', (error) => logger?.warn(`timer worker: ${error.message}`));
  }

  /**
   * Lets the jobs in flight finish (each is one short command), then stops. Never waits on a dead
   * Redis: when it does not answer, the close is forced at once; when it goes away during a
   * graceful close, BullMQ's connections are ended after `timeoutMs`. A job cut short is found
   * stalled and fired again by another worker, and its command id dedupes it.
   */
  async close(timeoutMs = 5_000): Promise<void> {
    // Closed while still connecting, BullMQ leaves a 30 s timer behind that keeps the process up.
    await within(this.worker.waitUntilReady(), 2_000);
    // Without Redis no job in flight can be acknowledged anyway, and a graceful close would wait
    // for a reconnection for ever: force it (it ends BullMQ's connections instead of QUITting).
    const graceful = await answers(this.worker.client);
    if (await within(this.worker.close(!graceful), graceful ? timeoutMs : 2_000)) {
      this.connection.end();
      return;
    }
    // Redis went away during the graceful close: end whatever BullMQ still holds.
    const connections = this.worker as unknown as Record<
      string,
      { disconnect?(wait: boolean): unknown } | undefined
    >;
    for (const name of ['connection', 'blockingConnection'])
      void connections[name]?.disconnect?.(false);
    this.connection.end();
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { PolicyRegistry } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import {
  ENGINE_CONFIG,
  EngineMetrics,
  EVENT_STORE,
  POLICY_REGISTRY,
  redisSettingsOf,
  type EngineConfig,
} from '@engine/platform';
import type { FeedFollower, ProjectionStore } from '@engine/read-models';
import {
  createTimerScheduler,
  TimerQueue,
  TimerWorker,
  within,
  type TimerFiring,
} from '@engine/timers';
import { TimerReconcileService } from './timer-reconcile.service';

/** Injection token of the read store's projection side, where the scheduler keeps its checkpoint. */
export const TIMER_CHECKPOINTS = 'TIMER_CHECKPOINTS';

/**
 * Runs the timers in this process: the scheduler (feed -> delayed jobs; one active per
 * deployment, by lease), a worker competing for the due jobs, and a reconciliation at start-up.
 */
@Injectable()
export class TimersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Timers');
  private scheduler: FeedFollower | null = null;
  private worker: TimerWorker | null = null;
  private startupReconcile: Promise<void> = Promise.resolve();
  private redisLost = false;
  private stopped = false;
  private untrackLag: () => void = () => undefined;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(POLICY_REGISTRY) private readonly policies: PolicyRegistry,
    @Inject(TIMER_CHECKPOINTS) private readonly checkpoints: ProjectionStore,
    private readonly queue: TimerQueue,
    private readonly reconciler: TimerReconcileService,
    private readonly metrics: EngineMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new TimerWorker({
      store: this.store,
      policies: this.policies,
      redis: { ...redisSettingsOf(this.config), prefix: this.config.timersQueuePrefix },
      logger: this.logger,
      onFired: (firing) => this.measure(firing),
    });
    this.scheduler = createTimerScheduler(this.store, this.checkpoints, this.queue, {
      logger: this.logger,
    });
    this.scheduler.start();
    this.untrackLag = this.metrics.trackLag(this.scheduler);
    this.metrics.countPendingTimers(() => this.queue.queue.getDelayedCount());
    // Redis may come back empty after an outage: once the worker has its connection again, the
    // timers are reconciled (as at start-up), so the deadlines missed meanwhile still fire.
    this.worker.worker.on('error', () => (this.redisLost = true));
    this.worker.worker.on('ready', () => {
      if (!this.redisLost || this.stopped) return;
      this.redisLost = false;
      this.reconcileInBackground('after Redis came back');
    });
    // In the background: start-up must not wait on a large store; a failure is logged, and
    // `POST /admin/timers/reconcile` runs it again on demand.
    this.reconcileInBackground('at start-up');
  }

  /** One reconciliation after another; a failure (Redis away) waits for the next reconnection. */
  private reconcileInBackground(when: string): void {
    this.startupReconcile = this.startupReconcile.then(() =>
      this.reconciler.reconcile().then(
        (counts) =>
          this.logger.log(
            `reconciled ${when}: ${counts.incidents} open incidents, ${counts.scheduled} timers ` +
              `scheduled, ${counts.alreadyScheduled} already scheduled`,
          ),
        (error: unknown) => {
          this.redisLost = true;
          this.logger.warn(`reconciliation ${when} failed: ${(error as Error).message}`);
        },
      ),
    );
  }

  /** Before the stores close (their modules close on application shutdown, after this). */
  /** For `/health/ready`: this process's timer worker is running (not closed or closing). */
  workerRunning(): boolean {
    return this.worker !== null && this.worker.worker.isRunning() && !this.worker.worker.closing;
  }

  /** Lateness of every firing; breaches (by the incident's severity) when it recorded them. */
  private measure(firing: TimerFiring): void {
    this.metrics.timerFired(firing.data.dueAt, firing.now);
    if (firing.replayed) return;
    const severity = firing.state.status === 'none' ? null : firing.state.severity;
    for (const event of firing.events) this.metrics.breachRecorded(event.type, severity);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.untrackLag();
    this.metrics.countPendingTimers(null);
    await within(this.scheduler?.stop() ?? Promise.resolve(), 10_000);
    await this.worker?.close();
    await within(this.startupReconcile, 5_000);
    await this.queue.close();
    await this.checkpoints.close();
  }
}

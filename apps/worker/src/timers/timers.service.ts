import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { PolicyRegistry } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import { ENGINE_CONFIG, EVENT_STORE, POLICY_REGISTRY, type EngineConfig } from '@engine/platform';
import type { FeedFollower, ProjectionStore } from '@engine/read-models';
import { createTimerScheduler, TimerQueue, TimerWorker, within } from '@engine/timers';
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

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(POLICY_REGISTRY) private readonly policies: PolicyRegistry,
    @Inject(TIMER_CHECKPOINTS) private readonly checkpoints: ProjectionStore,
    private readonly queue: TimerQueue,
    private readonly reconciler: TimerReconcileService,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new TimerWorker({
      store: this.store,
      policies: this.policies,
      redis: { url: this.config.redisUrl, prefix: this.config.timersQueuePrefix },
      logger: this.logger,
    });
    this.scheduler = createTimerScheduler(this.store, this.checkpoints, this.queue, {
      logger: this.logger,
    });
    this.scheduler.start();
    // In the background: start-up must not wait on a large store; a failure is logged, and
    // `POST /admin/timers/reconcile` runs it again on demand.
    this.startupReconcile = this.reconciler.reconcile().then(
      (counts) =>
        this.logger.log(
          `reconciled ${counts.incidents} open incidents: ${counts.scheduled} timers scheduled, ` +
            `${counts.alreadyScheduled} already scheduled`,
        ),
      (error: unknown) =>
        this.logger.warn(`start-up reconciliation failed: ${(error as Error).message}`),
    );
  }

  /** Before the stores close (their modules close on application shutdown, after this). */
  async onModuleDestroy(): Promise<void> {
    await within(this.scheduler?.stop() ?? Promise.resolve(), 10_000);
    await this.worker?.close();
    await within(this.startupReconcile, 5_000);
    await this.queue.close();
    await this.checkpoints.close();
  }
}

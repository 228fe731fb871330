import { Module, type OnApplicationShutdown } from '@nestjs/common';
import {
  ENGINE_CONFIG,
  EventSourcingModule,
  redisSettingsOf,
  SqlDatabaseModule,
  type EngineConfig,
} from '@engine/platform';
import { TimerQueue } from '@engine/timers';
import { TimerReconcileService } from './timer-reconcile.service';

/**
 * The timer queue and its reconciler, without the scheduler or the BullMQ worker: what an API
 * process needs for `POST /admin/timers/reconcile` even when it runs no worker.
 */
@Module({
  imports: [EventSourcingModule, SqlDatabaseModule],
  providers: [
    {
      provide: TimerQueue,
      inject: [ENGINE_CONFIG],
      useFactory: (config: EngineConfig) =>
        TimerQueue.open({ ...redisSettingsOf(config), prefix: config.timersQueuePrefix }),
    },
    TimerReconcileService,
  ],
  exports: [TimerQueue, TimerReconcileService],
})
export class TimerQueueModule implements OnApplicationShutdown {
  constructor(private readonly queue: TimerQueue) {}

  /** The worker's timers close the queue earlier; without them, this is where it closes. */
  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

import { Module } from '@nestjs/common';
import {
  ENGINE_CONFIG,
  EventSourcingModule,
  SQL_DATABASE,
  SqlDatabaseModule,
  type EngineConfig,
  type SqlDatabase,
} from '@engine/platform';
import { createProjectionStore, migrateReadModels } from '@engine/read-models';
import { TimerQueue } from '@engine/timers';
import { TimerReconcileService } from './timer-reconcile.service';
import { TIMER_CHECKPOINTS, TimersService } from './timers.service';

/**
 * The incident timers (BullMQ): scheduler, worker, reconciler. It imports the event store and the
 * read store itself, so it runs in the worker program as well as inside the API (Nest keeps one
 * instance of each module).
 */
@Module({
  imports: [EventSourcingModule, SqlDatabaseModule],
  providers: [
    {
      provide: TimerQueue,
      inject: [ENGINE_CONFIG],
      useFactory: (config: EngineConfig) =>
        TimerQueue.open({ url: config.redisUrl, prefix: config.timersQueuePrefix }),
    },
    {
      provide: TIMER_CHECKPOINTS,
      inject: [SQL_DATABASE],
      useFactory: async (database: SqlDatabase) => {
        await migrateReadModels(database);
        return createProjectionStore(database);
      },
    },
    TimerReconcileService,
    TimersService,
  ],
  exports: [TimerReconcileService],
})
export class TimersModule {}

import { Module } from '@nestjs/common';
import {
  EventSourcingModule,
  SQL_DATABASE,
  SqlDatabaseModule,
  type SqlDatabase,
} from '@engine/platform';
import { createProjectionStore, migrateReadModels } from '@engine/read-models';
import { TimerQueueModule } from './timer-queue.module';
import { TIMER_CHECKPOINTS, TimersService } from './timers.service';

/**
 * The incident timers (BullMQ): scheduler and worker, on the queue and reconciler of
 * TimerQueueModule. It imports the event store and the read store itself, so it runs in the worker
 * program as well as inside the API (Nest keeps one instance of each module).
 */
@Module({
  imports: [EventSourcingModule, SqlDatabaseModule, TimerQueueModule],
  providers: [
    {
      provide: TIMER_CHECKPOINTS,
      inject: [SQL_DATABASE],
      useFactory: async (database: SqlDatabase) => {
        await migrateReadModels(database);
        return createProjectionStore(database);
      },
    },
    TimersService,
  ],
  exports: [TimerQueueModule, TimersService],
})
export class TimersModule {}

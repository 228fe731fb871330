import { Module } from '@nestjs/common';
import { TimerQueueModule } from '../../../worker/src/timers/timer-queue.module';
import { AdminTimersController } from './admin-timers.controller';

/** `POST /admin/timers/reconcile`, on the timer queue (whether or not this process runs the worker). */
@Module({ imports: [TimerQueueModule], controllers: [AdminTimersController] })
export class AdminTimersModule {}

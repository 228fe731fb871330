import { Module } from '@nestjs/common';
import { TimersModule } from '../../../worker/src/timers/timers.module';
import { AdminTimersController } from './admin-timers.controller';

/** `POST /admin/timers/reconcile`, on the timers module the worker runs. */
@Module({ imports: [TimersModule], controllers: [AdminTimersController] })
export class AdminTimersModule {}

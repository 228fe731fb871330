import { Module, type DynamicModule } from '@nestjs/common';
import {
  AuthModule,
  EventSourcingModule,
  IdempotencyModule,
  PlatformModule,
  SqlDatabaseModule,
  type EngineStartup,
} from '@engine/platform';
import { WorkerModule } from '../../worker/src/worker.module';
import { AdminQueuesModule } from './admin-queues/admin-queues.module';
import { AdminTimersModule } from './admin-timers/admin-timers.module';
import { CommandSideModule } from './command-side.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { HealthController } from './health/health.controller';
import { MetricsController } from './health/metrics.controller';
import { IntakeModule } from './intake/intake.module';
import { ReadSideModule } from './read-side/read-side.module';
import { WebhooksApiModule } from './webhooks/webhooks-api.module';

/**
 * The API. `npm start` runs the worker in the same process (on the embedded default,
 * RUN_WORKER=true), so the worker's module is imported here; production sets RUN_WORKER=false on
 * the API replicas and runs the worker program on its own.
 */
@Module({ controllers: [HealthController, MetricsController] })
export class AppModule {
  static forRoot(startup: EngineStartup): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...(startup.config.runWorker ? [WorkerModule] : []),
        // Platform: configuration and policy, the read store, auth (global guard),
        // Idempotency-Key (global interceptor).
        PlatformModule.forRoot(startup),
        SqlDatabaseModule,
        AuthModule,
        IdempotencyModule,
        EventSourcingModule,
        // Features:
        CommandSideModule,
        ReadSideModule,
        IntakeModule,
        AdminTimersModule,
        AdminQueuesModule,
        WebhooksApiModule,
        DashboardModule,
      ],
    };
  }
}

import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Policy } from '@engine/domain';
import {
  ENGINE_CONFIG,
  PlatformModule,
  SUPPORT_POLICY,
  type EngineConfig,
  type EngineStartup,
} from '@engine/platform';
import { IntakeWorkerModule } from './intake/intake-worker.module';
import { WorkerMetricsListener } from './metrics/worker-metrics.listener';
import { ProjectionsModule } from './projections/projections.module';
import { TimersModule } from './timers/timers.module';
import { WebhooksWorkerModule } from './webhooks/webhooks-worker.module';

@Injectable()
class WorkerStartedLog implements OnApplicationBootstrap {
  private readonly logger = new Logger('Worker');

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(SUPPORT_POLICY) private readonly policy: Policy,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(
      `Worker started (event store ${this.config.eventStore}, ` +
        `policy ${this.policy.program} ${this.policy.version})`,
    );
  }
}

/**
 * The worker's processors: projection runners, timers, webhook delivery, SMTP intake (to come).
 * It expects the global PlatformModule from whoever hosts it: the worker program or the API.
 */
@Module({
  imports: [ProjectionsModule, TimersModule, IntakeWorkerModule, WebhooksWorkerModule],
  providers: [WorkerStartedLog],
  exports: [ProjectionsModule, TimersModule, WebhooksWorkerModule],
})
export class WorkerModule {
  /** The worker as a program of its own. */
  static standalone(startup: EngineStartup): DynamicModule {
    return { module: WorkerHostModule, imports: [PlatformModule.forRoot(startup), WorkerModule] };
  }
}

/** The worker program's own: its metrics listener (inside the API, `/metrics` serves them). */
@Module({ providers: [WorkerMetricsListener] })
class WorkerHostModule {}

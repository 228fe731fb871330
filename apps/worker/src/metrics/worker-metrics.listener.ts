import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  ENGINE_CONFIG,
  EngineMetrics,
  listenForMetrics,
  type EngineConfig,
  type MetricsListener,
} from '@engine/platform';

/**
 * The worker program has no HTTP API: it serves its metrics on WORKER_METRICS_PORT (0: not at
 * all) for Prometheus to scrape, behind METRICS_TOKEN when that is set.
 */
@Injectable()
export class WorkerMetricsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private listener: MetricsListener | null = null;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly metrics: EngineMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.workerMetricsPort;
    if (port === 0) return;
    try {
      this.listener = await listenForMetrics(this.metrics, {
        port,
        token: this.config.metricsToken,
      });
      this.logger.log(`Metrics on http://127.0.0.1:${this.listener.port}/metrics`);
    } catch (error) {
      // The worker's work matters more than its metrics: it runs on, and says so.
      this.logger.error(
        `No metrics: cannot listen on WORKER_METRICS_PORT ${port}: ${(error as Error).message}`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener?.close();
  }
}

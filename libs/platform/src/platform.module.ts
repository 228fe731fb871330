import { Global, Module, type DynamicModule } from '@nestjs/common';
import { createEngineLogger, engineLoggerModule } from './logging/engine-logger';
import { MetricsModule } from './metrics/metrics.module';
import type { EngineStartup } from './startup/engine-startup';

/** Injection token of the validated EngineConfig. */
export const ENGINE_CONFIG = 'ENGINE_CONFIG';
/** Injection token of the current support Policy. */
export const SUPPORT_POLICY = 'SUPPORT_POLICY';
/** Injection token of the LoadedPolicy: the current policy with its document text and hash. */
export const SUPPORT_POLICY_SOURCE = 'SUPPORT_POLICY_SOURCE';
/** Injection token of the engine's pino logger (what `requestLogging` writes request lines to). */
export const ENGINE_LOGGER = 'ENGINE_LOGGER';

/**
 * What both programs share, loaded before Nest starts (so a mistake stops start-up with one
 * clear message) and handed in here: configuration and support policy; with them the pino
 * logger (nestjs-pino) and the Prometheus metrics.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(startup: EngineStartup): DynamicModule {
    const logger = startup.logger ?? createEngineLogger(startup.config.logLevel);
    return {
      module: PlatformModule,
      imports: [engineLoggerModule(logger), MetricsModule],
      providers: [
        { provide: ENGINE_LOGGER, useValue: logger },
        { provide: ENGINE_CONFIG, useValue: startup.config },
        { provide: SUPPORT_POLICY, useValue: startup.policy.policy },
        { provide: SUPPORT_POLICY_SOURCE, useValue: startup.policy },
      ],
      exports: [ENGINE_CONFIG, SUPPORT_POLICY, SUPPORT_POLICY_SOURCE, ENGINE_LOGGER],
    };
  }
}

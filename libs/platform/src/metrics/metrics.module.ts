import { Global, Module } from '@nestjs/common';
import { EngineMetrics } from './engine-metrics';

/** The process's one EngineMetrics (Prometheus registry), for every module of both programs. */
@Global()
@Module({ providers: [EngineMetrics], exports: [EngineMetrics] })
export class MetricsModule {}

import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ENGINE_CONFIG,
  EngineMetrics,
  HttpProblem,
  metricsAccessAllowed,
  Public,
  type EngineConfig,
} from '@engine/platform';

/**
 * `GET /metrics`, the Prometheus text format. Scrapers carry no JWT, so it is public, unless
 * METRICS_TOKEN is set: then it wants exactly that bearer token. Not part of the OpenAPI document.
 */
@Public()
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly metrics: EngineMetrics,
  ) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string> {
    if (!metricsAccessAllowed(this.config.metricsToken, authorization))
      throw new HttpProblem(
        401,
        'unauthorized',
        'The metrics need the METRICS_TOKEN bearer token.',
        {
          headers: { 'WWW-Authenticate': 'Bearer' },
        },
      );
    const { contentType, body } = await this.metrics.exposition();
    response.setHeader('Content-Type', contentType);
    return body;
  }
}

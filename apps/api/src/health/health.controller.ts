import {
  Controller,
  Get,
  HttpStatus,
  Inject,
  Optional,
  Res,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Response } from 'express';
import { sql } from 'kysely';
import type { EventStore } from '@engine/event-store';
import {
  createRedisClient,
  ENGINE_CONFIG,
  EVENT_STORE,
  Public,
  redisSettingsOf,
  SQL_DATABASE,
  type EngineConfig,
  type RedisClient,
  type SqlDatabase,
} from '@engine/platform';
import { ProjectionsService } from '../../../worker/src/projections/projections.service';
import { TimersService } from '../../../worker/src/timers/timers.service';
import { WebhookDeliveryService } from '../../../worker/src/webhooks/webhook-delivery.service';

type Check = 'up' | 'down';
const CHECK_TIMEOUT_MS = 2_000;

const probe = async (check: () => Promise<unknown>): Promise<Check> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
      }),
    ]);
    return 'up';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
};

/** Public: probes and load balancers carry no token. */
@Public()
@Controller('health')
export class HealthController implements OnModuleDestroy {
  /**
   * Fails fast while Redis is away (no offline queue), and reconnects by itself. A cluster is up
   * when it is ready (every slot served, as its ready check found) and one of its nodes answers.
   */
  private readonly redis: RedisClient;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly database: SqlDatabase,
    @Inject(ENGINE_CONFIG) config: EngineConfig,
    @Optional() private readonly projections?: ProjectionsService,
    @Optional() private readonly timers?: TimersService,
    @Optional() private readonly webhooks?: WebhookDeliveryService,
  ) {
    this.redis = createRedisClient(redisSettingsOf(config), 'probe', {
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
  }

  /** The process is up and serving HTTP; says nothing about its dependencies (that is `ready`). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 200 only when the event store, the read store and Redis answer, the in-process projections
   * are working (none halted) and the timer and webhook delivery workers of this process run
   * (checks present only where this process runs the worker); 503 otherwise, naming what is not.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response) {
    const [eventStore, readStore, redis] = await Promise.all([
      probe(() => this.store.ping()),
      probe(() => sql`select 1`.execute(this.database.db)),
      probe(async () => {
        if (this.redis.status === 'wait') await this.redis.connect();
        if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
        return this.redis.ping();
      }),
    ]);
    const projections = this.projections
      ? (await this.projections.readiness()).ready
        ? 'up'
        : 'down'
      : 'up';
    const up = (running: boolean): Check => (running ? 'up' : 'down');
    const checks = {
      eventStore,
      readStore,
      redis,
      projections,
      ...(this.timers ? { timerWorker: up(this.timers.workerRunning()) } : {}),
      ...(this.webhooks ? { webhookWorker: up(this.webhooks.workerRunning()) } : {}),
    };
    const ready = Object.values(checks).every((c) => c === 'up');
    response.status(ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ready ? 'ready' : 'not-ready', checks };
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { loadEngineStartup, PlatformModule } from '@engine/platform';
import { TimersModule } from '../../apps/worker/src/timers/timers.module';
import { startThrowawayRedis } from './support/throwaway-redis';
import { TIMER_POLICY } from './support/timer-policy';

/**
 * The timers module as the worker program runs it (scheduler, worker, start-up reconcile) on a
 * throwaway Redis that dies under it: closing must not wait for Redis to come back.
 */
describe('Timers shutdown with Redis gone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'timers-shutdown-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('closes within seconds instead of waiting for Redis for ever', async () => {
    const redis = await startThrowawayRedis();
    writeFileSync(join(dir, 'policy.yaml'), TIMER_POLICY);
    const startup = loadEngineStartup({
      SQLITE_PATH: join(dir, 'engine.sqlite'),
      SUPPORT_POLICY: join(dir, 'policy.yaml'),
      REDIS_URL: redis.url,
      TIMERS_QUEUE_PREFIX: 'shutdown',
    });
    @Module({ imports: [PlatformModule.forRoot(startup), TimersModule] })
    class TimersHost {}
    const app = await NestFactory.createApplicationContext(TimersHost, { logger: false });
    await app.init();
    // Running: the worker is connected and the scheduler follows the feed.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis.stop();
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);
});

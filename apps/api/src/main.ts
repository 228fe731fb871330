import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { assertRedisAnswers, failFast, loadEngineStartup, nestLogLevels } from '@engine/platform';
import { createEngineApp } from './engine-app';

async function bootstrap(): Promise<void> {
  const startup = loadEngineStartup();
  // Before anything opens: without Redis no timer or webhook could ever run.
  await assertRedisAnswers(startup.config.redisUrl);
  const app = await createEngineApp(startup, { logger: nestLogLevels(startup.config.logLevel) });
  await app.listen(startup.config.port);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(`Incident engine listening on http://127.0.0.1:${port}`);
}

void failFast(bootstrap);

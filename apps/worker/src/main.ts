import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { failFast, loadEngineStartup, nestLogLevels } from '@engine/platform';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const startup = loadEngineStartup();
  const app = await NestFactory.createApplicationContext(WorkerModule.standalone(startup), {
    logger: nestLogLevels(startup.config.logLevel),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.init();
}

void failFast(bootstrap);

import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { failFast, loadEngineStartup, nestLogLevels } from '@engine/platform';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const startup = loadEngineStartup();
  const app = await NestFactory.create(AppModule.forRoot(startup), {
    logger: nestLogLevels(startup.config.logLevel),
    // Errors while building the app reach failFast instead of Nest's own handler.
    abortOnError: false,
  });
  app.enableShutdownHooks();
  await app.listen(startup.config.port);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(`Incident engine listening on http://127.0.0.1:${port}`);
}

void failFast(bootstrap);

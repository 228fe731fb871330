import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { configureHttpApp, type EngineStartup } from '@engine/platform';
import { QueueBoard, QUEUE_BOARD_PATH } from './admin-queues/queue-board';
import { AppModule } from './app.module';

/** The engine's HTTP app exactly as `npm start` runs it; the e2e tests boot this same function. */
export async function createEngineApp(
  startup: EngineStartup,
  options: NestApplicationOptions = {},
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(startup), {
    // Errors while building the app reach the caller (fail-fast in main.ts) instead of exiting.
    abortOnError: false,
    // configureHttpApp registers the body parsers (JSON, the raw types) and answers any other
    // body 415 before Nest's defaults would run: those would only be layers every request walks.
    bodyParser: false,
    ...options,
  });
  configureHttpApp(app, startup.config);
  app.use(QUEUE_BOARD_PATH, app.get(QueueBoard).handler());
  return app;
}

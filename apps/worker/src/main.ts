import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { failFast, loadEngineStartup, shutdownOnSignals, useEngineLogger } from '@engine/platform';
import { WorkerModule } from './worker.module';

async function bootstrap(): Promise<void> {
  const startup = loadEngineStartup();
  // Logs as JSON lines through pino (LOG_LEVEL); the lines of the start-up wait for it.
  const app = await NestFactory.createApplicationContext(WorkerModule.standalone(startup), {
    bufferLogs: true,
    abortOnError: false,
  });
  useEngineLogger(app);
  // SIGTERM/SIGINT: jobs in progress finish, everything closes, exit 0 (bounded).
  shutdownOnSignals(app);
  await app.init();
}

void failFast(bootstrap);

import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import {
  assertRedisAnswers,
  failFast,
  loadEngineStartup,
  redisSettingsOf,
  shutdownOnSignals,
  useEngineLogger,
} from '@engine/platform';
import { createEngineApp } from './engine-app';

async function bootstrap(): Promise<void> {
  const startup = loadEngineStartup();
  // Before anything opens: without Redis no timer or webhook could ever run.
  await assertRedisAnswers(redisSettingsOf(startup.config));
  // Logs as JSON lines through pino (LOG_LEVEL); the lines of the start-up wait for it.
  const app = await createEngineApp(startup, { bufferLogs: true });
  useEngineLogger(app);
  // SIGTERM/SIGINT: stop accepting, finish the requests in progress, close, exit 0 (bounded).
  shutdownOnSignals(app, { http: app.getHttpServer() });
  await app.listen(startup.config.port);
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(`Incident engine listening on http://127.0.0.1:${port}`);
}

void failFast(bootstrap);

import { LoggerModule, Logger as PinoNestLogger } from 'nestjs-pino';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { LogLevel } from '../config/engine-config';

/**
 * The engine's pino logger: JSON lines at LOG_LEVEL, to `destination` or standard output (written
 * asynchronously, so a request never waits on the terminal; flushed at exit).
 */
export function createEngineLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    { level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * nestjs-pino for both programs: Nest's own log lines (`new Logger(context)`) go through pino.
 * Requests are given their correlation id and logged by `requestLogging` (the first middleware of
 * an HTTP app) instead of pino-http, whose child logger and async context per request took about a
 * third of a command's CPU time (bench/README.md): nestjs-pino's middleware is mounted on no route.
 */
export function engineLoggerModule(logger: Logger): DynamicModule {
  return LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] });
}

/**
 * Makes an app log through pino from here on (create it with `bufferLogs: true` so the lines of
 * its start-up go there too).
 */
export function useEngineLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(PinoNestLogger));
}

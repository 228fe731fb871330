import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule, Logger as PinoNestLogger, type Params } from 'nestjs-pino';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { DynamicModule, INestApplicationContext } from '@nestjs/common';
import type { LogLevel } from '../config/engine-config';
import { CORRELATION_ID_HEADER, correlationIdFromHeaders } from './correlation-id';

/** Paths whose requests are not logged one by one (probes and scrapers call them all day). */
const QUIET_PATHS = /^\/(?:health\/|metrics(?:$|\?))/;

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
 * nestjs-pino for both programs: Nest's own log lines go through pino, and every HTTP request
 * gets a correlation id (`X-Correlation-Id` or `X-Request-Id` when well formed, else a new UUID),
 * echoed in the response's `X-Correlation-Id` and bound to every line logged while serving it.
 */
export function engineLoggerModule(logger: Logger): DynamicModule {
  const params: Params = {
    pinoHttp: {
      logger,
      quietReqLogger: true,
      customAttributeKeys: { reqId: 'correlationId' },
      genReqId: (request: IncomingMessage, response: ServerResponse) => {
        const id = correlationIdFromHeaders(request.headers) ?? randomUUID();
        response.setHeader(CORRELATION_ID_HEADER, id);
        return id;
      },
      // Only what identifies the request: headers carry tokens, bodies carry customer data.
      serializers: {
        req: (request: { method?: string; url?: string }) => ({
          method: request.method,
          url: request.url?.split('?')[0],
        }),
        res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
      },
      customLogLevel: (_request, response, error) =>
        error || response.statusCode >= 500 ? 'error' : 'info',
      autoLogging: { ignore: (request) => QUIET_PATHS.test(request.url ?? '') },
    },
  };
  return LoggerModule.forRoot(params);
}

/**
 * Makes an app log through pino from here on (create it with `bufferLogs: true` so the lines of
 * its start-up go there too).
 */
export function useEngineLogger(app: INestApplicationContext): void {
  app.useLogger(app.get(PinoNestLogger));
}

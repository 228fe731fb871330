import type { Server, ServerResponse } from 'node:http';
import { Logger, type INestApplicationContext } from '@nestjs/common';

/** From the signal to the exit at the latest, whatever hangs (a dead Redis or database). */
export const SHUTDOWN_DEADLINE_MS = 9_000;
/** How long requests in progress may take to finish before their connections are cut. */
export const HTTP_DRAIN_MS = 5_000;

export interface ShutdownOptions {
  /** The program's HTTP server, drained before anything else closes (the API). */
  readonly http?: Server;
  readonly deadlineMs?: number;
  readonly httpDrainMs?: number;
  readonly signals?: readonly NodeJS.Signals[];
  /** How the process ends; `process.exit` by default (tests pass their own). */
  readonly exit?: (code: number) => void;
}

const isEventStream = (response: ServerResponse): boolean =>
  String(response.getHeader('content-type') ?? '').startsWith('text/event-stream');

/**
 * Stops an HTTP server the graceful way: no new connection is accepted, a request already in
 * progress finishes (its connection closes after the answer, keep-alive or not), idle keep-alive
 * connections are closed, and open Server-Sent Events streams are ended (EventSource reconnects,
 * with Last-Event-ID, to another instance). Connections still busy after `ms` are cut.
 */
export class HttpDrain {
  private readonly inProgress = new Set<ServerResponse>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('request', (_request, response: ServerResponse) => {
      // Arrived on a kept-alive connection after the signal: answered, then the connection closes.
      if (this.draining) response.shouldKeepAlive = false;
      this.inProgress.add(response);
      response.once('close', () => this.inProgress.delete(response));
    });
  }

  /** Requests being answered right now (SSE streams included). */
  get requestsInProgress(): number {
    return this.inProgress.size;
  }

  /** Resolves true once every connection is closed, false when some had to be cut after `ms`. */
  async drain(ms = HTTP_DRAIN_MS): Promise<boolean> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) resolve();
      else this.server.close(() => resolve());
    });
    for (const response of this.inProgress) {
      response.shouldKeepAlive = false;
      if (isEventStream(response)) response.end();
    }
    // A connection that just finished its answer becomes idle: close it without waiting for
    // the keep-alive timeout.
    const sweeping = setInterval(() => this.server.closeIdleConnections(), 50);
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      const drained = await Promise.race([closed.then(() => true as const), timedOut]);
      if (!drained) this.server.closeAllConnections();
      return drained;
    } finally {
      clearInterval(sweeping);
      clearTimeout(timer);
    }
  }
}

/**
 * Ends the program gracefully on SIGTERM or SIGINT: the HTTP server (if any) stops accepting and
 * lets the requests in progress finish, then the application closes (feed followers stop,
 * BullMQ workers let their jobs in progress finish, queues, stores and Redis clients close) and
 * the process exits 0. Bounded: `deadlineMs` after the signal the process exits 1 whatever still
 * hangs; a second signal exits 1 at once.
 */
export function shutdownOnSignals(
  app: INestApplicationContext,
  options: ShutdownOptions = {},
): void {
  const logger = new Logger('Shutdown');
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const deadlineMs = options.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  const drain = options.http ? new HttpDrain(options.http) : null;
  let started = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (started) {
      logger.warn(`${signal} again: exiting at once`);
      exit(1);
      return;
    }
    started = true;
    const startedAt = Date.now();
    logger.log(`${signal}: shutting down (at most ${deadlineMs} ms)`);
    const deadline = setTimeout(() => {
      logger.error(`shutdown did not finish within ${deadlineMs} ms: exiting`);
      exit(1);
    }, deadlineMs);
    void (async () => {
      if (drain) {
        const inProgress = drain.requestsInProgress;
        const drained = await drain.drain(
          Math.min(options.httpDrainMs ?? HTTP_DRAIN_MS, deadlineMs),
        );
        logger.log(
          drained
            ? `HTTP closed (${inProgress} requests were in progress)`
            : 'HTTP closed: connections still busy were cut',
        );
      }
      await app.close();
      logger.log(`closed in ${Date.now() - startedAt} ms`);
      clearTimeout(deadline);
      exit(0);
    })().catch((error: unknown) => {
      logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      clearTimeout(deadline);
      exit(1);
    });
  };
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) process.on(signal, onSignal);
}

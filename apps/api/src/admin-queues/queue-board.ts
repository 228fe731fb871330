import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isVendorRole, type Actor } from '@engine/domain';
import {
  bullmqConnection,
  ENGINE_CONFIG,
  redisSettingsOf,
  TokenVerifier,
  within,
  type BullmqConnection,
  type EngineConfig,
} from '@engine/platform';
import { INCIDENT_TIMERS_QUEUE } from '@engine/timers';
import { DELIVERY_QUEUE } from '@engine/webhooks';
import { NOTIFICATION_QUEUE } from '@engine/intake';

export const QUEUE_BOARD_PATH = '/admin/queues';
const COOKIE = 'engine_queue_board';

const cookieToken = (request: Request): string | undefined =>
  (request.headers.cookie ?? '')
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === COOKIE)?.[1];

const problem = (response: Response, status: number, code: string, detail: string) =>
  response
    .status(status)
    .type('application/problem+json')
    .json({
      type: `https://incident-engine.dev/problems/${code}`,
      title: code,
      status,
      detail,
      code,
    });

/**
 * Bull Board over the engine's queues (timers, webhook deliveries, email notifications): actions
 * for `admin`, read-only for `ops` and the vendor roles. The board's page and its API calls come
 * from a browser, so besides the bearer header the token may come once as `?access_token=`, which
 * is then kept in an HttpOnly cookie scoped to the board.
 */
@Injectable()
export class QueueBoard implements OnModuleDestroy {
  private readonly queues: Queue[];
  /** What each queue was given to connect with (a cluster client is ended after its queue). */
  private readonly bullmq: BullmqConnection[];
  /** The queues' Redis connections, once each has connected. */
  private readonly connections: Array<{ status: string; disconnect(): void }> = [];
  private readonly full = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  private readonly readOnly = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  private readonly verifier: TokenVerifier;

  constructor(@Inject(ENGINE_CONFIG) config: EngineConfig) {
    const queues = [
      [INCIDENT_TIMERS_QUEUE, config.timersQueuePrefix],
      [DELIVERY_QUEUE, config.webhookQueuePrefix],
      [NOTIFICATION_QUEUE, config.intakeQueuePrefix],
    ] as const;
    this.bullmq = queues.map(() => bullmqConnection(redisSettingsOf(config), 'producer'));
    this.queues = queues.map(
      ([name, prefix], index) => new Queue(name, { ...this.bullmq[index]!.options, prefix }),
    );
    for (const queue of this.queues) {
      queue.on('error', () => undefined);
      void queue.client.then(
        (client) => this.connections.push(client as unknown as (typeof this.connections)[number]),
        () => undefined,
      );
    }
    createBullBoard({
      queues: this.queues.map((queue) => new BullMQAdapter(queue)),
      serverAdapter: this.full,
    });
    createBullBoard({
      queues: this.queues.map((queue) => new BullMQAdapter(queue, { readOnlyMode: true })),
      serverAdapter: this.readOnly,
    });
    this.verifier = TokenVerifier.fromConfig(config);
  }

  /** The Express handler to mount at QUEUE_BOARD_PATH. */
  handler(): RequestHandler {
    const full = this.full.getRouter() as RequestHandler;
    const readOnly = this.readOnly.getRouter() as RequestHandler;
    return (request: Request, response: Response, next: NextFunction) => {
      const header = request.headers.authorization;
      const query =
        typeof request.query.access_token === 'string' ? request.query.access_token : undefined;
      const token = header?.startsWith('Bearer ')
        ? header.slice(7)
        : (query ?? cookieToken(request));
      if (!token) {
        problem(response, 401, 'unauthorized', 'A bearer token is required.');
        return;
      }
      this.verifier.verify(token).then(
        (actor: Actor) => {
          if (query)
            response.cookie(COOKIE, query, {
              httpOnly: true,
              sameSite: 'strict',
              secure: request.secure,
              path: QUEUE_BOARD_PATH,
            });
          // The board's own API reads and acts on Redis: while Redis is away it answers 503 at
          // once (ioredis without its offline queue would fail each call, BullMQ might wait).
          if (request.path.startsWith('/api/') && !this.redisReady()) {
            response.setHeader('Retry-After', '5');
            problem(
              response,
              503,
              'queue-unavailable',
              'Redis (the job queues) is not answering; retry shortly.',
            );
            return;
          }
          if (actor.role === 'admin') full(request, response, next);
          else if (actor.role === 'ops' || isVendorRole(actor.role))
            readOnly(request, response, next);
          else
            problem(
              response,
              403,
              'forbidden',
              'The queue board is for the vendor and operations.',
            );
        },
        () => problem(response, 401, 'unauthorized', 'The token is not valid.'),
      );
    };
  }

  /** Whether the board's queues hold a connection to Redis that is up right now. */
  private redisReady(): boolean {
    return (
      this.connections.length === this.queues.length &&
      this.connections.every((connection) => connection.status === 'ready')
    );
  }

  async onModuleDestroy(): Promise<void> {
    // Bounded: with Redis away, a QUIT never comes back; the connections are then ended.
    await Promise.all(this.queues.map((queue) => within(queue.close(), 2_000)));
    for (const connection of this.connections) connection.disconnect();
    for (const connection of this.bullmq) connection.end();
  }
}

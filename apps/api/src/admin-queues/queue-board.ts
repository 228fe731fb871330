import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Queue } from 'bullmq';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isVendorRole, type Actor } from '@engine/domain';
import { ENGINE_CONFIG, TokenVerifier, type EngineConfig } from '@engine/platform';
import { INCIDENT_TIMERS_QUEUE, producerConnection } from '@engine/timers';
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
  private readonly full = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  private readonly readOnly = new ExpressAdapter().setBasePath(QUEUE_BOARD_PATH);
  private readonly verifier: TokenVerifier;

  constructor(@Inject(ENGINE_CONFIG) config: EngineConfig) {
    const connection = producerConnection(config.redisUrl);
    this.queues = [
      new Queue(INCIDENT_TIMERS_QUEUE, { connection, prefix: config.timersQueuePrefix }),
      new Queue(DELIVERY_QUEUE, { connection, prefix: config.webhookQueuePrefix }),
      new Queue(NOTIFICATION_QUEUE, { connection, prefix: config.intakeQueuePrefix }),
    ];
    for (const queue of this.queues) queue.on('error', () => undefined);
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

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.queues.map((queue) => queue.close().catch(() => undefined)));
  }
}

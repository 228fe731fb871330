import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import { EVENT_STORE, HttpProblem, Roles, validationProblem } from '@engine/platform';
import { encodeCursor } from '@engine/read-models';
import {
  DeliveryLog,
  DeliveryQueue,
  parseReplayFrom,
  readSubscription,
  replayDeliveries,
} from '@engine/webhooks';
import { StreamIdPipe } from '../http/stream-id.pipe';
import { PageQuery, ReplayDto } from './webhook.dto';
import { readCursor, viewOrNotFound } from './webhook-edge';

const LOG_SORT = 'attempts';

/** What happened to a subscription's deliveries, and sending them again. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller('webhooks')
export class WebhookDeliveriesController {
  constructor(
    private readonly log: DeliveryLog,
    private readonly queue: DeliveryQueue,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':id/deliveries')
  @ApiOperation({
    summary:
      'Every delivery attempt, newest first: event, attempt, status, latency, error (`{ items, nextCursor }`)',
  })
  async deliveries(@Param('id', StreamIdPipe) id: string, @Query() query: PageQuery) {
    viewOrNotFound((await readSubscription(this.store, id)).state);
    const limit = Number(query.limit ?? 50);
    let before: number | undefined;
    if (query.cursor !== undefined) {
      const { key } = readCursor(query.cursor, LOG_SORT);
      if (typeof key !== 'number')
        throw new HttpProblem(400, 'invalid-cursor', 'The cursor is not valid for this list.');
      before = key;
    }
    const { items, nextBefore } = await this.log.page(id, { limit, before });
    return {
      items: items.map(({ seq, ...attempt }) => ({ id: String(seq), ...attempt })),
      nextCursor: nextBefore === null ? null : encodeCursor(LOG_SORT, nextBefore, id),
    };
  }

  @Post(':id/replay')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Deliver again the matching events after a position (digits) or since a time (RFC 3339), same webhook ids',
  })
  async replay(@Param('id', StreamIdPipe) id: string, @Body() body: ReplayDto) {
    const from = parseReplayFrom(body.from);
    if (!from)
      throw validationProblem([
        { field: 'from', message: 'from must be a feed position (digits) or an RFC 3339 time' },
      ]);
    const { state } = await readSubscription(this.store, id);
    const view = viewOrNotFound(state);
    if (state.status !== 'enabled')
      throw new DomainError('webhook-disabled', 'The endpoint is disabled: enable it first.', {
        disabledReason: view.disabledReason,
      });
    const replayId = randomUUID();
    try {
      const { deliveries } = await replayDeliveries(this.store, this.queue, state, from, replayId);
      return { replayId, from: body.from, deliveries };
    } catch (error) {
      if (isRedisUnavailable(error))
        throw new HttpProblem(
          503,
          'queue-unavailable',
          'The delivery queue (Redis) is not answering; retry shortly.',
          { headers: { 'Retry-After': '5' } },
        );
      throw error;
    }
  }
}

/** ioredis without its offline queue refuses at once while disconnected. */
const isRedisUnavailable = (error: unknown): boolean =>
  error instanceof Error &&
  /enableOfflineQueue|Connection is closed|ECONNREFUSED|Stream isn't writeable/.test(error.message);

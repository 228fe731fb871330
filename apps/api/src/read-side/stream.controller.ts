import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Actor } from '@engine/domain';
import { AllowQueryToken, CurrentActor } from '@engine/platform';
import { ChangeStreamService } from './change-stream.service';
import { badParameter } from './read-side.errors';
import { scopeOf } from './read-scope';

const POSITION = /^\d{1,19}$/;

/** `Last-Event-ID` (EventSource sends it on reconnect), or `?lastEventId=` for a first connect. */
function lastEventIdOf(request: Request): bigint | null {
  const header = request.header('last-event-id');
  const query = request.query.lastEventId;
  const value = header ?? (typeof query === 'string' ? query : undefined);
  if (value === undefined || value === '') return null;
  if (!POSITION.test(value.trim()))
    throw badParameter('Last-Event-ID', 'Last-Event-ID must be an event position');
  return BigInt(value.trim());
}

@ApiTags('stream')
@ApiBearerAuth()
@Controller('stream')
export class StreamController {
  constructor(private readonly changes: ChangeStreamService) {}

  @Get()
  @AllowQueryToken()
  @ApiOperation({
    summary:
      'Server-Sent Events: every projected change (`id` = position, `event` = type); resumable ' +
      'with Last-Event-ID; a lead sees its own customer only; `?access_token=` for EventSource',
  })
  async stream(@CurrentActor() actor: Actor, @Req() request: Request, @Res() response: Response) {
    const lastEventId = lastEventIdOf(request);
    response.status(200);
    response.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    response.setHeader('Cache-Control', 'no-cache, no-transform');
    response.setHeader('Connection', 'keep-alive');
    response.setHeader('X-Accel-Buffering', 'no');
    response.flushHeaders();
    const closed = new Promise<void>((resolve) => {
      request.on('close', resolve);
      response.on('close', resolve);
    });
    await this.changes.stream(
      {
        write: (frame) => response.write(frame),
        drained: () =>
          new Promise<void>((resolve) => {
            response.once('drain', resolve);
            void closed.then(resolve);
          }),
        closed,
      },
      scopeOf(actor),
      lastEventId,
    );
    response.end();
  }
}

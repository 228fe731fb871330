import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, HttpCode, Inject, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { VENDOR_ROLES } from '@engine/domain';
import { EmailIntake, EmailRejectedError, IntakeLogStore, type IntakeAnswer } from '@engine/intake';
import { ENGINE_CONFIG, HttpProblem, Public, Roles, type EngineConfig } from '@engine/platform';
import { decodeCursor, encodeCursor, InvalidCursorError } from '@engine/read-models';
import { logItem } from './intake-log.view';

const LOG_SORT = 'intake-log';
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Email in over HTTP: the shape a mail provider's inbound webhook or an MTA pipe can call. It
 * carries its own secret instead of a user's token; the answer is the intake's outcome (202).
 */
@ApiTags('intake')
@Controller('intake')
export class IntakeController {
  private readonly secretDigest: Buffer | null;

  constructor(
    private readonly intake: EmailIntake,
    private readonly log: IntakeLogStore,
    @Inject(ENGINE_CONFIG) config: EngineConfig,
  ) {
    this.secretDigest = config.intakeSecret === null ? null : digest(config.intakeSecret);
  }

  @Post('email')
  @Public()
  @HttpCode(202)
  @ApiConsumes('message/rfc822')
  @ApiBody({
    description: 'The raw RFC 5322 message.',
    schema: { type: 'string', format: 'binary' },
  })
  @ApiOperation({
    summary: 'Deliver an inbound email (Authorization: Bearer <INTAKE_SECRET>)',
    description:
      'Answers 202 { outcome: opened | replied | reopened | refused, incidentId?, number?, reason? }.',
  })
  async email(@Req() request: Request): Promise<IntakeAnswer> {
    this.authenticate(request);
    const body: unknown = request.body;
    if (body !== undefined && !Buffer.isBuffer(body))
      throw new HttpProblem(
        415,
        'unsupported-media-type',
        'POST /intake/email takes the raw message as message/rfc822.',
      );
    try {
      return await this.intake.receive(body ?? Buffer.alloc(0), 'http');
    } catch (error) {
      if (error instanceof EmailRejectedError)
        throw new HttpProblem(400, error.code, error.message);
      throw error;
    }
  }

  @Get('log')
  @Roles(...VENDOR_ROLES, 'ops')
  @ApiBearerAuth()
  @ApiQuery({
    name: 'limit',
    required: false,
    description: `1-${MAX_LIMIT}, default ${DEFAULT_LIMIT}`,
  })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOperation({
    summary: 'Every inbound email with its outcome and every notification sent, newest first',
  })
  async list(@Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const size = limitOf(limit);
    let after: { at: string; id: string } | null = null;
    if (cursor !== undefined) {
      try {
        const { key, id } = decodeCursor(cursor, LOG_SORT);
        if (typeof key !== 'string') throw new InvalidCursorError();
        after = { at: key, id };
      } catch (error) {
        if (error instanceof InvalidCursorError)
          throw new HttpProblem(400, 'invalid-cursor', error.message);
        throw error;
      }
    }
    const { entries, more } = await this.log.page(size, after);
    const last = entries[entries.length - 1];
    const lastKey =
      last &&
      (last.kind === 'message'
        ? { at: last.receivedAt, id: last.messageId }
        : { at: last.queuedAt, id: last.notificationId });
    return {
      items: entries.map(logItem),
      nextCursor: more && lastKey ? encodeCursor(LOG_SORT, lastKey.at, lastKey.id) : null,
    };
  }

  /** 503 when intake is off (no secret configured), 401 for a missing or wrong secret. */
  private authenticate(request: Request): void {
    if (this.secretDigest === null)
      throw new HttpProblem(
        503,
        'intake-disabled',
        'Email intake is disabled: set INTAKE_SECRET to accept messages.',
      );
    const match = /^Bearer\s+(.+)$/i.exec(request.header('authorization') ?? '');
    // Digests have one length, so the comparison takes the same time whatever was sent.
    if (!match || !timingSafeEqual(digest(match[1].trim()), this.secretDigest))
      throw new HttpProblem(401, 'unauthorized', 'The intake secret is missing or wrong.', {
        headers: { 'WWW-Authenticate': 'Bearer' },
      });
  }
}

function limitOf(limit: string | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  const value = /^\d{1,3}$/.test(limit) ? Number(limit) : NaN;
  if (value >= 1 && value <= MAX_LIMIT) return value;
  throw new HttpProblem(
    400,
    'validation-failed',
    `limit must be an integer from 1 to ${MAX_LIMIT}.`,
    {
      details: {
        errors: [{ field: 'limit', message: `must be an integer from 1 to ${MAX_LIMIT}` }],
      },
    },
  );
}

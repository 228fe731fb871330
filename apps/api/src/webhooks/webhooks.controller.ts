import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  DomainError,
  webhookView,
  type CommandMeta,
  type WebhookCommand,
  type WebhookState,
  type WebhookView,
} from '@engine/domain';
import type { CommandResult, EventStore } from '@engine/event-store';
import {
  CustomerReader,
  EVENT_STORE,
  HttpProblem,
  Roles,
  IdempotentAnswerOmits,
} from '@engine/platform';
import { encodeCursor } from '@engine/read-models';
import {
  DeliveryLog,
  SubscriptionSet,
  generateSigningSecret,
  readSubscription,
} from '@engine/webhooks';
import {
  HttpCommand,
  commandContext,
  withVersion,
  type HttpCommandContext,
} from '../http/command-context';
import { StreamIdPipe } from '../http/stream-id.pipe';
import { WebhookCommandMessage } from './webhook-command';
import { CreateWebhookDto, PageQuery, RotateSecretDto } from './webhook.dto';
import { WebhookEdge, readCursor, viewOrNotFound } from './webhook-edge';

const LIST_SORT = 'created';

/** Subscriptions of downstream systems (admin): Standard Webhooks, secrets shown once. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Roles('admin')
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    private readonly edge: WebhookEdge,
    private readonly customers: CustomerReader,
    private readonly log: DeliveryLog,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Post()
  @IdempotentAnswerOmits('secret')
  @ApiOperation({
    summary: 'Subscribe an endpoint to incident events; the signing secret is shown only here',
  })
  async create(@Body() body: CreateWebhookDto, @HttpCommand() ctx: HttpCommandContext) {
    await this.edge.checkTarget(body.url);
    if (body.customerId !== undefined) {
      const { state } = await this.customers.read(body.customerId);
      if (state.status !== 'registered')
        throw new DomainError('customer-not-found', `No customer ${body.customerId}.`, {
          customerId: body.customerId,
        });
    }
    const webhookId = randomUUID();
    const secret = body.secret ?? generateSigningSecret();
    const sealed = this.edge.seal(secret, webhookId);
    const view = await this.run(webhookId, ctx, (meta) => ({
      type: 'SubscribeWebhook',
      data: {
        webhookId,
        url: body.url,
        types: body.types,
        customerId: body.customerId ?? null,
        secret: sealed,
      },
      meta,
    }));
    ctx.response.status(201).setHeader('Location', `/webhooks/${webhookId}`);
    ctx.response.setHeader('Cache-Control', 'no-store');
    return { ...view, secret };
  }

  @Get()
  @ApiOperation({ summary: 'Subscriptions, oldest first: `{ items, nextCursor }`' })
  async list(@Query() query: PageQuery) {
    const limit = Number(query.limit ?? 50);
    const after = query.cursor === undefined ? null : cursorAt(query.cursor);
    const views = (await SubscriptionSet.load(this.store))
      .current()
      .map((subscription) => webhookView(subscription)!)
      .sort(byCreation)
      .filter((view) => after === null || byCreation(view, after) > 0);
    const items = views.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor:
        views.length > limit && last ? encodeCursor(LIST_SORT, last.createdAt, last.id) : null,
    };
  }

  @Get(':id')
  async get(@Param('id', StreamIdPipe) id: string, @Res({ passthrough: true }) response: Response) {
    const { state, version } = await readSubscription(this.store, id);
    return withVersion(response, viewOrNotFound(state), version);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the subscription; nothing more is delivered to it' })
  async remove(@Param('id', StreamIdPipe) id: string, @HttpCommand() ctx: HttpCommandContext) {
    const { meta, options } = commandContext(ctx.request, ctx.actor);
    await this.commands.execute(
      new WebhookCommandMessage(id, { type: 'RemoveWebhook', data: {}, meta }, options),
    );
  }

  @Post(':id/rotate-secret')
  @IdempotentAnswerOmits('secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new signing secret (shown once); the previous ones also sign for 24 hours',
  })
  async rotate(
    @Param('id', StreamIdPipe) id: string,
    @Body() body: RotateSecretDto,
    @HttpCommand() ctx: HttpCommandContext,
  ) {
    const secret = body.secret ?? generateSigningSecret();
    const sealed = this.edge.seal(secret, id);
    const view = await this.run(id, ctx, (meta) => ({
      type: 'RotateWebhookSecret',
      data: { secret: sealed },
      meta,
    }));
    ctx.response.setHeader('Cache-Control', 'no-store');
    return { ...view, secret };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deliver to a disabled endpoint again (events of the disabled time: replay them)',
  })
  async enable(@Param('id', StreamIdPipe) id: string, @HttpCommand() ctx: HttpCommandContext) {
    const view = await this.run(id, ctx, (meta) => ({
      type: 'EnableWebhookEndpoint',
      data: {},
      meta,
    }));
    await this.log.clearFailureStreak(id); // a fresh start: failing days count from now
    return view;
  }

  private async run(
    id: string,
    { actor, request, response }: HttpCommandContext,
    build: (meta: CommandMeta) => WebhookCommand,
  ): Promise<WebhookView & { version: number }> {
    const { meta, options } = commandContext(request, actor);
    const result: CommandResult<WebhookState> = await this.commands.execute(
      new WebhookCommandMessage(id, build(meta), options),
    );
    return withVersion(response, viewOrNotFound(result.state), result.version);
  }
}

const byCreation = (
  a: Pick<WebhookView, 'createdAt' | 'id'>,
  b: Pick<WebhookView, 'createdAt' | 'id'>,
) => (a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? -1 : 1);

function cursorAt(cursor: string): Pick<WebhookView, 'createdAt' | 'id'> {
  const { key, id } = readCursor(cursor, LIST_SORT);
  if (typeof key !== 'string')
    throw new HttpProblem(400, 'invalid-cursor', 'The cursor is not valid for this list.');
  return { createdAt: key, id };
}

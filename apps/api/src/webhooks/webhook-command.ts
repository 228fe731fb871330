import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { WebhookCommand, WebhookState } from '@engine/domain';
import type { CommandResult, EventStore } from '@engine/event-store';
import { EVENT_STORE } from '@engine/platform';
import { runWebhookCommand } from '@engine/webhooks';
import type { StreamCommandOptions } from '../commands/stream-command';

/** A command for one subscription's stream (`webhook-<id>`). */
export class WebhookCommandMessage {
  constructor(
    readonly webhookId: string,
    readonly command: WebhookCommand,
    readonly options: StreamCommandOptions,
  ) {}
}

@CommandHandler(WebhookCommandMessage)
export class WebhookCommandHandler implements ICommandHandler<
  WebhookCommandMessage,
  CommandResult<WebhookState>
> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ webhookId, command, options }: WebhookCommandMessage) {
    return runWebhookCommand(this.store, webhookId, command, options);
  }
}

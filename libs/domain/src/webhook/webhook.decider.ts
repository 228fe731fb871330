import { assertNever, type Command, type Decider } from '../decider/decider';
import { DomainError, ForbiddenError, NotFoundError } from '../decider/domain-error';
import type {
  DisableWebhookEndpoint,
  RotateWebhookSecret,
  SubscribeWebhook,
  WebhookCommand,
} from './webhook.commands';
import { WEBHOOK_TYPE_PATTERNS, type WebhookEvent } from './webhook.events';
import {
  evolveWebhook,
  initialWebhookState,
  type Subscription,
  type WebhookState,
} from './webhook.state';

/** How long the secrets a rotation replaces keep signing, so receivers can switch without a gap. */
export const SECRET_ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

const requireRole = (command: Command, allowSystem: boolean): void => {
  const { role } = command.meta.actor;
  if (role === 'admin' || (allowSystem && role === 'system')) return;
  throw new ForbiddenError('forbidden', 'Only the program administrator manages webhooks.');
};

/** Every command but subscribing needs a subscription that exists and was not removed. */
const requireSubscription = (state: WebhookState): Subscription => {
  if (state.status === 'none' || state.status === 'removed')
    throw new NotFoundError('No such webhook.', 'webhook-not-found');
  return state;
};

const subscribe = (command: SubscribeWebhook, state: WebhookState): WebhookEvent[] => {
  if (state.status !== 'none')
    throw new DomainError('webhook-exists', `Webhook ${state.webhookId} already exists.`, {
      webhookId: state.webhookId,
    });
  const { webhookId, url, customerId, secret } = command.data;
  const types = [...new Set(command.data.types)];
  if (types.length === 0)
    throw new DomainError('webhook-types-required', 'A webhook needs at least one event type.');
  const unknown = types.find((type) => !WEBHOOK_TYPE_PATTERNS.includes(type));
  if (unknown !== undefined)
    throw new DomainError(
      'webhook-type-unknown',
      `${unknown} is not an event type webhooks deliver.`,
      {
        type: unknown,
        allowed: WEBHOOK_TYPE_PATTERNS,
      },
    );
  const { now, actor } = command.meta;
  return [
    {
      type: 'webhook.subscribed',
      data: { webhookId, url, types, customerId, secret, at: now, by: actor.id },
    },
  ];
};

const rotate = (command: RotateWebhookSecret): WebhookEvent[] => {
  const { now, actor } = command.meta;
  const previousSecretsExpireAt = new Date(
    Date.parse(now) + SECRET_ROTATION_OVERLAP_MS,
  ).toISOString();
  return [
    {
      type: 'webhook.secret-rotated',
      data: { secret: command.data.secret, previousSecretsExpireAt, at: now, by: actor.id },
    },
  ];
};

/** Disabling a disabled endpoint records nothing (deliveries racing each other may all ask). */
const disable = (command: DisableWebhookEndpoint, subscription: Subscription): WebhookEvent[] => {
  if (subscription.status === 'disabled') return [];
  const { now, actor } = command.meta;
  const { reason, detail } = command.data;
  return [{ type: 'webhook.endpoint-disabled', data: { reason, detail, at: now, by: actor.id } }];
};

const decideWebhook = (command: WebhookCommand, state: WebhookState): WebhookEvent[] => {
  const { now, actor } = command.meta;
  switch (command.type) {
    case 'SubscribeWebhook':
      requireRole(command, false);
      return subscribe(command, state);
    case 'RotateWebhookSecret':
      requireRole(command, false);
      requireSubscription(state);
      return rotate(command);
    case 'DisableWebhookEndpoint':
      requireRole(command, true);
      return disable(command, requireSubscription(state));
    case 'EnableWebhookEndpoint':
      requireRole(command, false);
      if (requireSubscription(state).status === 'enabled') return [];
      return [{ type: 'webhook.endpoint-enabled', data: { at: now, by: actor.id } }];
    case 'RemoveWebhook':
      requireRole(command, false);
      requireSubscription(state);
      return [{ type: 'webhook.removed', data: { at: now, by: actor.id } }];
    default:
      return assertNever(command);
  }
};

export const webhookDecider: Decider<WebhookCommand, WebhookEvent, WebhookState> = {
  decide: decideWebhook,
  evolve: evolveWebhook,
  initialState: initialWebhookState,
};

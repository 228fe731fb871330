import type { Command } from '../decider/decider';
import type { EndpointDisabledReason } from './webhook.events';

/** `secret` is already encrypted by the edge; the domain only records it. */
export type SubscribeWebhook = Command<
  'SubscribeWebhook',
  {
    readonly webhookId: string;
    readonly url: string;
    readonly types: readonly string[];
    readonly customerId: string | null;
    readonly secret: string;
  }
>;

export type RotateWebhookSecret = Command<'RotateWebhookSecret', { readonly secret: string }>;

export type DisableWebhookEndpoint = Command<
  'DisableWebhookEndpoint',
  { readonly reason: EndpointDisabledReason; readonly detail: string }
>;

export type EnableWebhookEndpoint = Command<'EnableWebhookEndpoint', Record<string, never>>;

export type RemoveWebhook = Command<'RemoveWebhook', Record<string, never>>;

export type WebhookCommand =
  | SubscribeWebhook
  | RotateWebhookSecret
  | DisableWebhookEndpoint
  | EnableWebhookEndpoint
  | RemoveWebhook;

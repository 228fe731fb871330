import type { DomainEvent } from '../decider/decider';
import { INCIDENT_EVENT_TYPES } from '../incident/incident.events';

/**
 * What a subscription may ask for: every incident event (`incident.*`) or one type by name.
 * Webhook events themselves are administrative and never delivered.
 */
export const WEBHOOK_TYPE_PATTERNS: readonly string[] = ['incident.*', ...INCIDENT_EVENT_TYPES];

/** Why an endpoint stopped receiving: it answered 410 Gone, or it failed for days. */
export type EndpointDisabledReason = 'endpoint-gone' | 'endpoint-failing';

/**
 * `secret` is the signing secret encrypted by the edge (the domain never sees it in clear), so the
 * event log never holds a usable secret.
 */
export type WebhookSubscribed = DomainEvent<
  'webhook.subscribed',
  {
    readonly webhookId: string;
    readonly url: string;
    readonly types: readonly string[];
    /** Only this customer's incidents; null: every customer's. */
    readonly customerId: string | null;
    readonly secret: string;
    readonly at: string;
    readonly by: string;
  }
>;

/** The new secret signs from now on; the previous ones keep signing until `previousSecretsExpireAt`. */
export type WebhookSecretRotated = DomainEvent<
  'webhook.secret-rotated',
  {
    readonly secret: string;
    readonly previousSecretsExpireAt: string;
    readonly at: string;
    readonly by: string;
  }
>;

export type WebhookEndpointDisabled = DomainEvent<
  'webhook.endpoint-disabled',
  {
    readonly reason: EndpointDisabledReason;
    readonly detail: string;
    readonly at: string;
    readonly by: string;
  }
>;

export type WebhookEndpointEnabled = DomainEvent<
  'webhook.endpoint-enabled',
  { readonly at: string; readonly by: string }
>;

export type WebhookRemoved = DomainEvent<
  'webhook.removed',
  { readonly at: string; readonly by: string }
>;

export type WebhookEvent =
  | WebhookSubscribed
  | WebhookSecretRotated
  | WebhookEndpointDisabled
  | WebhookEndpointEnabled
  | WebhookRemoved;

export const WEBHOOK_EVENT_TYPES: readonly WebhookEvent['type'][] = [
  'webhook.subscribed',
  'webhook.secret-rotated',
  'webhook.endpoint-disabled',
  'webhook.endpoint-enabled',
  'webhook.removed',
];

export const WEBHOOK_STREAM_PREFIX = 'webhook-';
export const webhookStreamId = (webhookId: string): string =>
  `${WEBHOOK_STREAM_PREFIX}${webhookId}`;

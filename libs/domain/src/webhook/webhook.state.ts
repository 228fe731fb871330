import { ignoreUnknown } from '../decider/decider';
import type { EndpointDisabledReason, WebhookEvent } from './webhook.events';

export interface SigningSecret {
  /** Encrypted as the edge recorded it. */
  readonly secret: string;
  /** null: the current secret; else the instant it stops signing (after a rotation). */
  readonly expiresAt: string | null;
}

export interface Subscription {
  /** `removed` is final; a removed subscription is answered as not found. */
  readonly status: 'enabled' | 'disabled' | 'removed';
  readonly webhookId: string;
  readonly url: string;
  readonly types: readonly string[];
  readonly customerId: string | null;
  /** Newest first: the current secret, then rotated-out ones until they expire. */
  readonly secrets: readonly SigningSecret[];
  readonly createdAt: string;
  readonly createdBy: string;
  readonly secretRotatedAt: string | null;
  readonly disabled: {
    readonly reason: EndpointDisabledReason;
    readonly detail: string;
    readonly at: string;
  } | null;
}

export type WebhookState = { readonly status: 'none' } | Subscription;

export const initialWebhookState: WebhookState = { status: 'none' };

const isAfter = (instant: string, reference: string): boolean =>
  Date.parse(instant) > Date.parse(reference);

/** The secrets that sign a message sent at `at`: the current one and those not yet expired. */
export const signingSecretsAt = (subscription: Subscription, at: string): string[] =>
  subscription.secrets
    .filter((version) => version.expiresAt === null || isAfter(version.expiresAt, at))
    .map((version) => version.secret);

const whenSubscribed = (
  state: WebhookState,
  apply: (subscription: Subscription) => Subscription,
): WebhookState => (state.status === 'none' ? state : apply(state));

export const evolveWebhook = (state: WebhookState, event: WebhookEvent): WebhookState => {
  switch (event.type) {
    case 'webhook.subscribed': {
      const { webhookId, url, types, customerId, secret, at, by } = event.data;
      return {
        status: 'enabled',
        webhookId,
        url,
        types: [...types],
        customerId,
        secrets: [{ secret, expiresAt: null }],
        createdAt: at,
        createdBy: by,
        secretRotatedAt: null,
        disabled: null,
      };
    }
    case 'webhook.secret-rotated': {
      const { secret, previousSecretsExpireAt, at } = event.data;
      return whenSubscribed(state, (subscription) => ({
        ...subscription,
        secretRotatedAt: at,
        secrets: [
          { secret, expiresAt: null },
          // A secret already rotated out keeps its earlier expiry; expired ones are dropped.
          ...subscription.secrets
            .map((version) => ({
              ...version,
              expiresAt:
                version.expiresAt !== null && !isAfter(version.expiresAt, previousSecretsExpireAt)
                  ? version.expiresAt
                  : previousSecretsExpireAt,
            }))
            .filter((version) => isAfter(version.expiresAt, at)),
        ],
      }));
    }
    case 'webhook.endpoint-disabled': {
      const { reason, detail, at } = event.data;
      return whenSubscribed(state, (subscription) =>
        subscription.status === 'removed'
          ? subscription
          : { ...subscription, status: 'disabled', disabled: { reason, detail, at } },
      );
    }
    case 'webhook.endpoint-enabled':
      return whenSubscribed(state, (subscription) =>
        subscription.status === 'removed'
          ? subscription
          : { ...subscription, status: 'enabled', disabled: null },
      );
    case 'webhook.removed':
      return whenSubscribed(state, (subscription) => ({ ...subscription, status: 'removed' }));
    default:
      return ignoreUnknown(event, state);
  }
};

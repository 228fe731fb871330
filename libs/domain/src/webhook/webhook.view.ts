import type { EndpointDisabledReason } from './webhook.events';
import type { WebhookState } from './webhook.state';

/** The API representation of a subscription: never its secrets. The caller adds `version`. */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  readonly types: readonly string[];
  readonly customerId: string | null;
  readonly status: 'enabled' | 'disabled';
  readonly disabledReason: EndpointDisabledReason | null;
  readonly disabledDetail: string | null;
  readonly disabledAt: string | null;
  readonly createdAt: string;
  readonly secretRotatedAt: string | null;
  /** Until then the rotated-out secrets also sign; null when none does any more. */
  readonly previousSecretsExpireAt: string | null;
}

/** null when there is no such subscription, or it was removed (the caller answers 404). */
export const webhookView = (state: WebhookState): WebhookView | null => {
  if (state.status === 'none' || state.status === 'removed') return null;
  const expiries = state.secrets.flatMap((version) => version.expiresAt ?? []);
  return {
    id: state.webhookId,
    url: state.url,
    types: [...state.types],
    customerId: state.customerId,
    status: state.status,
    disabledReason: state.disabled?.reason ?? null,
    disabledDetail: state.disabled?.detail ?? null,
    disabledAt: state.disabled?.at ?? null,
    createdAt: state.createdAt,
    secretRotatedAt: state.secretRotatedAt,
    previousSecretsExpireAt: expiries.sort().at(-1) ?? null,
  };
};

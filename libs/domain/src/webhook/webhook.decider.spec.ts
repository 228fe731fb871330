import type { Actor, Role } from '../decider/decider';
import { DeciderSpecification } from '../testing/decider-specification';
import type { WebhookCommand } from './webhook.commands';
import { webhookDecider } from './webhook.decider';
import type { WebhookEvent } from './webhook.events';
import { subscriptionWants } from './webhook.filter';
import { signingSecretsAt, type Subscription } from './webhook.state';
import { webhookView } from './webhook.view';

const now = '2026-11-27T16:00:00.000Z';
const earlier = '2026-11-20T09:00:00.000Z';
const admin: Actor = { id: 'admin-1', role: 'admin' };
const as = (role: Role): Actor => ({ id: `${role}-1`, role });
const command = <C extends WebhookCommand>(type: C['type'], data: C['data'], actor = admin) =>
  ({ type, data, meta: { now, actor } }) as C;
const spec = DeciderSpecification.for(webhookDecider);

const subscribe = (types: string[] = ['incident.*'], customerId: string | null = null) =>
  command('SubscribeWebhook', {
    webhookId: 'w1',
    url: 'https://hooks.example/incidents',
    types,
    customerId,
    secret: 'enc-1',
  });
const subscribed: WebhookEvent = {
  type: 'webhook.subscribed',
  data: {
    webhookId: 'w1',
    url: 'https://hooks.example/incidents',
    types: ['incident.*'],
    customerId: null,
    secret: 'enc-1',
    at: earlier,
    by: 'admin-1',
  },
};
const rotated = (secret: string, at: string, expires: string): WebhookEvent => ({
  type: 'webhook.secret-rotated',
  data: { secret, previousSecretsExpireAt: expires, at, by: 'admin-1' },
});
const disabled: WebhookEvent = {
  type: 'webhook.endpoint-disabled',
  data: { reason: 'endpoint-gone', detail: 'HTTP 410', at: earlier, by: 'system' },
};
const removed: WebhookEvent = { type: 'webhook.removed', data: { at: earlier, by: 'admin-1' } };
const fold = (events: WebhookEvent[]) =>
  events.reduce(webhookDecider.evolve, webhookDecider.initialState) as Subscription;
const disable = (actor: Actor) =>
  command(
    'DisableWebhookEndpoint',
    { reason: 'endpoint-failing', detail: 'failing since 2026-11-22' },
    actor,
  );

describe('webhook decider', () => {
  it('subscribes with the types asked for, each once', () =>
    spec
      .given([])
      .when(subscribe(['incident.opened', 'incident.closed-by-timeout', 'incident.opened']))
      .then([
        {
          type: 'webhook.subscribed',
          data: {
            ...subscribed.data,
            types: ['incident.opened', 'incident.closed-by-timeout'],
            at: now,
          } as WebhookEvent['data'],
        } as WebhookEvent,
      ]));

  it('refuses event types webhooks do not deliver', () => {
    spec
      .given([])
      .when(subscribe(['webhook.subscribed']))
      .thenRefuses('webhook-type-unknown');
    spec
      .given([])
      .when(subscribe(['customer.*']))
      .thenRefuses('webhook-type-unknown');
    spec.given([]).when(subscribe([])).thenRefuses('webhook-types-required');
  });

  it('is the administrator’s: other roles are refused', () => {
    spec
      .given([])
      .when(command('SubscribeWebhook', subscribe().data, as('engineer')))
      .thenRefuses('forbidden');
    spec
      .given([subscribed])
      .when(disable(as('ops')))
      .thenRefuses('forbidden');
  });

  it('refuses a second subscription on the same stream', () =>
    spec.given([subscribed]).when(subscribe()).thenRefuses('webhook-exists'));

  it('rotates: the previous secret keeps signing for 24 hours', () => {
    spec
      .given([subscribed])
      .when(command('RotateWebhookSecret', { secret: 'enc-2' }))
      .then([rotated('enc-2', now, '2026-11-28T16:00:00.000Z')]);
    const state = fold([subscribed, rotated('enc-2', now, '2026-11-28T16:00:00.000Z')]);
    expect(signingSecretsAt(state, '2026-11-28T15:59:59.000Z')).toEqual(['enc-2', 'enc-1']);
    expect(signingSecretsAt(state, '2026-11-28T16:00:00.000Z')).toEqual(['enc-2']);
  });

  it('a second rotation keeps the first secret’s earlier expiry and drops expired ones', () => {
    const twice = fold([
      subscribed,
      rotated('enc-2', '2026-11-27T10:00:00.000Z', '2026-11-28T10:00:00.000Z'),
      rotated('enc-3', '2026-11-27T12:00:00.000Z', '2026-11-28T12:00:00.000Z'),
    ]);
    expect(twice.secrets).toEqual([
      { secret: 'enc-3', expiresAt: null },
      { secret: 'enc-2', expiresAt: '2026-11-28T12:00:00.000Z' },
      { secret: 'enc-1', expiresAt: '2026-11-28T10:00:00.000Z' },
    ]);
    const later = fold([
      subscribed,
      rotated('enc-2', '2026-11-27T10:00:00.000Z', '2026-11-28T10:00:00.000Z'),
      rotated('enc-3', '2026-11-30T12:00:00.000Z', '2026-12-01T12:00:00.000Z'),
    ]);
    expect(later.secrets.map((version) => version.secret)).toEqual(['enc-3', 'enc-2']);
  });

  it('disables once, by the system or the administrator; enabling brings it back', () => {
    spec
      .given([subscribed])
      .when(disable({ id: 'system', role: 'system' }))
      .thenEvents((events) =>
        expect(events.map((e) => e.type)).toEqual(['webhook.endpoint-disabled']),
      );
    spec.given([subscribed, disabled]).when(disable(admin)).thenNothing();
    spec
      .given([subscribed, disabled])
      .when(command('EnableWebhookEndpoint', {}))
      .then([{ type: 'webhook.endpoint-enabled', data: { at: now, by: 'admin-1' } }]);
    spec.given([subscribed]).when(command('EnableWebhookEndpoint', {})).thenNothing();
  });

  it('answers not found for a webhook that does not exist or was removed', () => {
    spec.given([]).when(command('RemoveWebhook', {})).thenRefuses('webhook-not-found');
    spec
      .given([subscribed, removed])
      .when(command('RemoveWebhook', {}))
      .thenRefuses('webhook-not-found');
    spec
      .given([subscribed, removed])
      .when(command('RotateWebhookSecret', { secret: 'enc-2' }))
      .thenRefuses('webhook-not-found');
    spec.given([subscribed, removed]).when(disable(admin)).thenRefuses('webhook-not-found');
    expect(webhookView(fold([subscribed, removed]))).toBeNull();
  });

  it('shows no secret in its view', () => {
    const view = webhookView(fold([subscribed, disabled]));
    expect(view).toMatchObject({ id: 'w1', status: 'disabled', disabledReason: 'endpoint-gone' });
    expect(JSON.stringify(view)).not.toContain('enc-1');
  });
});

describe('subscription filter', () => {
  const wants = (
    types: string[],
    customerId: string | null,
    status: Subscription['status'] = 'enabled',
  ) => ({ status, types, customerId });

  it('matches incident.* and exact types, for its customer only', () => {
    expect(subscriptionWants(wants(['incident.*'], null), 'incident.resolved', 'acme')).toBe(true);
    expect(subscriptionWants(wants(['incident.opened'], null), 'incident.resolved', 'acme')).toBe(
      false,
    );
    expect(subscriptionWants(wants(['incident.*'], 'acme'), 'incident.opened', 'acme')).toBe(true);
    expect(subscriptionWants(wants(['incident.*'], 'acme'), 'incident.opened', 'globex')).toBe(
      false,
    );
    expect(subscriptionWants(wants(['incident.*'], 'acme'), 'incident.opened', null)).toBe(false);
  });

  it('wants nothing while disabled or removed', () => {
    expect(subscriptionWants(wants(['incident.*'], null, 'disabled'), 'incident.opened', 'a')).toBe(
      false,
    );
    expect(subscriptionWants(wants(['incident.*'], null, 'removed'), 'incident.opened', 'a')).toBe(
      false,
    );
  });
});

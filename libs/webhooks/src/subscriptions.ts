import {
  WEBHOOK_STREAM_PREFIX,
  fold,
  webhookDecider,
  webhookStreamId,
  type Subscription,
  type WebhookCommand,
  type WebhookEvent,
  type WebhookState,
} from '@engine/domain';
import {
  handleCommand,
  type CommandResult,
  type EventStore,
  type HandleCommandOptions,
  type RecordedEvent,
} from '@engine/event-store';

const asWebhookEvent = (event: RecordedEvent) =>
  ({ type: event.type, data: event.data }) as WebhookEvent;

/** A subscription's current state, from its stream (never a projection: a 201 is seen at once). */
export async function readSubscription(
  store: EventStore,
  webhookId: string,
): Promise<{ state: WebhookState; version: bigint }> {
  const events = await store.readStream(webhookStreamId(webhookId));
  return {
    state: fold(webhookDecider, events.map(asWebhookEvent)),
    version: events.at(-1)?.version ?? 0n,
  };
}

/** The one command path for a subscription's stream. */
export const runWebhookCommand = (
  store: EventStore,
  webhookId: string,
  command: WebhookCommand,
  options: HandleCommandOptions,
): Promise<CommandResult<WebhookState>> =>
  handleCommand(store, webhookStreamId(webhookId), webhookDecider, command, options);

/** Subscriptions folded from the `webhook-` events of the feed, in the order they were created. */
export class SubscriptionSet {
  private readonly states = new Map<string, WebhookState>();

  apply(event: RecordedEvent): void {
    const state = this.states.get(event.streamId) ?? webhookDecider.initialState;
    this.states.set(event.streamId, webhookDecider.evolve(state, asWebhookEvent(event)));
  }

  /** Every subscription that exists and was not removed. */
  current(): Subscription[] {
    return [...this.states.values()].filter(
      (state): state is Subscription => state.status !== 'none' && state.status !== 'removed',
    );
  }

  get size(): number {
    return this.states.size;
  }

  /**
   * Folds the subscriptions' events of the feed up to `through` (inclusive; undefined: all),
   * reading only `webhook-` streams (there are few).
   */
  static async load(store: EventStore, through?: bigint): Promise<SubscriptionSet> {
    const set = new SubscriptionSet();
    for (let from = 0n; ;) {
      const page = await store.readAll(from, 1_000, { streamPrefixes: [WEBHOOK_STREAM_PREFIX] });
      for (const event of page) {
        if (through !== undefined && event.position > through) return set;
        set.apply(event);
      }
      if (page.length < 1_000) return set;
      from = page.at(-1)!.position;
    }
  }
}

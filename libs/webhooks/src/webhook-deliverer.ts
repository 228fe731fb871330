import { UnrecoverableError } from 'bullmq';
import {
  NotFoundError,
  SYSTEM_ACTOR,
  signingSecretsAt,
  type EndpointDisabledReason,
  type Subscription,
} from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import { DeliveryLog } from './delivery-log';
import type { DeliveryJobData } from './delivery-queue';
import {
  DEFAULT_DISABLE_RULE,
  afterFailure,
  failingTooLong,
  type DisableRule,
} from './endpoint-health';
import { retryAfterMs, verdictOf } from './retry-policy';
import type { SecretCipher } from './secret-cipher';
import { readSubscription, runWebhookCommand } from './subscriptions';
import { resolveTarget, type AddressLookup } from './target-guard';
import { webhookBody } from './webhook-payload';
import { postWebhook, type SendResult } from './webhook-sender';
import { signatureHeader } from './webhook-signature';

/** The attempt failed and may be retried; `retryAfterMs` is what the receiver asked for, if it did. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null,
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

export interface DelivererOptions {
  readonly store: EventStore;
  /** null when WEBHOOK_SECRET_KEY is unset: nothing can be signed, every attempt fails. */
  readonly cipher: SecretCipher | null;
  readonly log: DeliveryLog;
  readonly allowPrivateTargets: boolean;
  readonly timeoutMs?: number;
  readonly disableRule?: DisableRule;
  readonly lookup?: AddressLookup;
  readonly now?: () => number;
  readonly warn?: (message: string) => void;
}

/** What came of a job's attempt (or that there was nothing to attempt). */
export type DeliveryOutcome = 'delivered' | 'skipped';

/**
 * One attempt of one delivery: signs the event with every secret that signs now (two during a
 * rotation), POSTs it to the checked address, logs the attempt, and settles: 2xx delivered; 410
 * disables the endpoint; anything else is retried (RetryableDeliveryError), unless the endpoint
 * has now failed long enough to be disabled. A subscription that is disabled or removed by the
 * time its job runs is skipped.
 */
export class WebhookDeliverer {
  private readonly now: () => number;
  private readonly rule: DisableRule;

  constructor(private readonly options: DelivererOptions) {
    this.now = options.now ?? Date.now;
    this.rule = options.disableRule ?? DEFAULT_DISABLE_RULE;
  }

  async deliver(job: DeliveryJobData, attempt: number, jobId: string): Promise<DeliveryOutcome> {
    const { state } = await readSubscription(this.options.store, job.webhookId);
    if (state.status !== 'enabled') return 'skipped';
    const attemptedAt = new Date(this.now()).toISOString();
    const result = await this.send(state, job, attemptedAt).catch((error: unknown): SendResult => ({
      status: null,
      latencyMs: 0,
      error: error instanceof Error ? error.message : String(error),
      retryAfter: null,
    }));
    const verdict = verdictOf(result.status);
    await this.options.log
      .record({
        webhookId: job.webhookId,
        eventId: job.event.id,
        eventType: job.event.type,
        eventPosition: job.event.position,
        attempt,
        replayId: job.replayId,
        outcome: result.status === null ? 'not-sent' : verdict,
        statusCode: result.status,
        latencyMs: result.latencyMs,
        error: result.error,
        attemptedAt,
      })
      .catch((error: unknown) => this.options.warn?.(`webhook delivery log: ${String(error)}`));

    if (verdict === 'delivered') {
      await this.options.log.clearFailureStreak(job.webhookId);
      return 'delivered';
    }
    const why = result.error ?? `HTTP ${result.status}`;
    if (verdict === 'gone') {
      await this.disable(job, jobId, attempt, 'endpoint-gone', 'The endpoint answered 410 Gone.');
      throw new UnrecoverableError(`${why}: the endpoint is gone and was disabled`);
    }
    const streak = afterFailure(
      await this.options.log.failureStreak(job.webhookId),
      attemptedAt,
      this.rule,
    );
    await this.options.log.saveFailureStreak(job.webhookId, streak);
    if (failingTooLong(streak, this.rule)) {
      const detail = `Every attempt failed from ${streak.failingSince} to ${streak.lastFailureAt}.`;
      await this.disable(job, jobId, attempt, 'endpoint-failing', detail);
      throw new UnrecoverableError(`${why}: the endpoint kept failing and was disabled`);
    }
    const asked = verdict === 'throttled' ? retryAfterMs(result.retryAfter, this.now()) : null;
    throw new RetryableDeliveryError(why, asked);
  }

  private async send(
    subscription: Subscription,
    job: DeliveryJobData,
    attemptedAt: string,
  ): Promise<SendResult> {
    const { cipher } = this.options;
    if (!cipher)
      throw new Error('WEBHOOK_SECRET_KEY is not set: the signing secret cannot be read');
    const secrets = signingSecretsAt(subscription, attemptedAt).map((sealed) =>
      cipher.open(sealed, subscription.webhookId),
    );
    const target = await resolveTarget(subscription.url, {
      allowPrivate: this.options.allowPrivateTargets,
      lookup: this.options.lookup,
    });
    const body = webhookBody(job.event);
    const timestamp = Math.floor(Date.parse(attemptedAt) / 1000);
    const headers = {
      'webhook-id': job.event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(secrets, job.event.id, timestamp, body),
    };
    return postWebhook(target, headers, body, { timeoutMs: this.options.timeoutMs });
  }

  private async disable(
    job: DeliveryJobData,
    jobId: string,
    attempt: number,
    reason: EndpointDisabledReason,
    detail: string,
  ): Promise<void> {
    try {
      await runWebhookCommand(
        this.options.store,
        job.webhookId,
        {
          type: 'DisableWebhookEndpoint',
          data: { reason, detail },
          meta: { now: new Date(this.now()).toISOString(), actor: SYSTEM_ACTOR },
        },
        { commandId: `disable-${jobId}-${attempt}`, causationId: job.event.id },
      );
      await this.options.log.clearFailureStreak(job.webhookId);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error; // removed meanwhile: nothing to disable
    }
  }
}

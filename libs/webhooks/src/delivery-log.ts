import type { Kysely } from 'kysely';
import type { SqlDatabase } from '@engine/platform';
import type { FailureStreak } from './endpoint-health';
import type { AttemptVerdict } from './retry-policy';
import { DELIVERIES_TABLE, ENDPOINT_HEALTH_TABLE } from './webhook.migrations';

interface DeliveryRow {
  seq: number | string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  event_position: string;
  attempt: number;
  replay_id: string | null;
  outcome: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  attempted_at: string;
}

interface HealthRow {
  webhook_id: string;
  failing_since: string;
  last_failure_at: string;
  failed_buckets: number;
}

interface WebhookTables {
  [DELIVERIES_TABLE]: Omit<DeliveryRow, 'seq'> & { seq?: number | string };
  [ENDPOINT_HEALTH_TABLE]: HealthRow;
}

/** What an attempt was and what came of it: `outcome` is the verdict, or `error` before sending. */
export interface DeliveryAttempt {
  readonly webhookId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventPosition: string;
  /** 1 for the first attempt of this delivery (of this replay, for a replay). */
  readonly attempt: number;
  readonly replayId: string | null;
  readonly outcome: AttemptVerdict | 'not-sent';
  readonly statusCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
  readonly attemptedAt: string;
}

export interface LoggedAttempt extends Omit<DeliveryAttempt, 'webhookId'> {
  /** Increasing with every attempt recorded; the page cursor. */
  readonly seq: number;
}

/** The delivery log and the endpoints' failure streaks, in the read store (SQLite or PostgreSQL). */
export class DeliveryLog {
  private readonly db: Kysely<WebhookTables>;

  constructor(database: SqlDatabase) {
    this.db = database.db as Kysely<WebhookTables>;
  }

  async record(attempt: DeliveryAttempt): Promise<void> {
    await this.db
      .insertInto(DELIVERIES_TABLE)
      .values({
        webhook_id: attempt.webhookId,
        event_id: attempt.eventId,
        event_type: attempt.eventType,
        event_position: attempt.eventPosition,
        attempt: attempt.attempt,
        replay_id: attempt.replayId,
        outcome: attempt.outcome,
        status_code: attempt.statusCode,
        latency_ms: attempt.latencyMs,
        error: attempt.error,
        attempted_at: attempt.attemptedAt,
      })
      .execute();
  }

  /** Newest first; `before` is the `seq` the previous page ended at. */
  async page(
    webhookId: string,
    options: { readonly limit: number; readonly before?: number },
  ): Promise<{ items: LoggedAttempt[]; nextBefore: number | null }> {
    let query = this.db
      .selectFrom(DELIVERIES_TABLE)
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('seq', 'desc')
      .limit(options.limit + 1);
    if (options.before !== undefined) query = query.where('seq', '<', options.before);
    const rows = (await query.execute()) as DeliveryRow[];
    const items = rows.slice(0, options.limit).map(toLogged);
    return { items, nextBefore: rows.length > options.limit ? items.at(-1)!.seq : null };
  }

  async failureStreak(webhookId: string): Promise<FailureStreak | null> {
    const row = await this.db
      .selectFrom(ENDPOINT_HEALTH_TABLE)
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    if (!row) return null;
    return {
      failingSince: row.failing_since,
      lastFailureAt: row.last_failure_at,
      failedBuckets: Number(row.failed_buckets),
    };
  }

  async saveFailureStreak(webhookId: string, streak: FailureStreak): Promise<void> {
    const values = {
      failing_since: streak.failingSince,
      last_failure_at: streak.lastFailureAt,
      failed_buckets: streak.failedBuckets,
    };
    await this.db
      .insertInto(ENDPOINT_HEALTH_TABLE)
      .values({ webhook_id: webhookId, ...values })
      .onConflict((conflict) => conflict.column('webhook_id').doUpdateSet(values))
      .execute();
  }

  /** A success ends the streak (and so does enabling the endpoint again). */
  async clearFailureStreak(webhookId: string): Promise<void> {
    await this.db.deleteFrom(ENDPOINT_HEALTH_TABLE).where('webhook_id', '=', webhookId).execute();
  }
}

const toLogged = (row: DeliveryRow): LoggedAttempt => ({
  seq: Number(row.seq),
  eventId: row.event_id,
  eventType: row.event_type,
  eventPosition: row.event_position,
  attempt: Number(row.attempt),
  replayId: row.replay_id,
  outcome: row.outcome as LoggedAttempt['outcome'],
  statusCode: row.status_code === null ? null : Number(row.status_code),
  latencyMs: Number(row.latency_ms),
  error: row.error,
  attemptedAt: row.attempted_at,
});

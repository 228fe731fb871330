import type { Kysely } from 'kysely';
import type { EventStore } from '@engine/event-store';
import type { SqlDatabase } from '@engine/platform';
import { PROJECTION_STATUS_TABLE } from '@engine/read-models';

/** The intake's feed consumer: lead directory, incident threads and notifications. */
export const INTAKE_MAIL_CONSUMER = 'intake-mail';
export const INTAKE_STREAM_PREFIXES = ['customer-', 'incident-'] as const;

/** More events than this behind: no point waiting. */
const FAR_BEHIND = 1_000;

interface StatusTables {
  projection_status: { name: string; checkpoint: string | number | bigint };
}

/**
 * The lead directory and the thread table follow the feed, so a lead trained a moment ago may
 * not be in them yet. Before an email is judged, this waits (briefly, bounded) until the
 * consumer has caught up with the feed as it stood when the email arrived; if the consumer does
 * not run (no worker), the email is judged on what the tables hold.
 */
export class DirectoryFreshness {
  private readonly db: Kysely<StatusTables>;

  constructor(
    private readonly store: EventStore,
    database: SqlDatabase,
    private readonly options: { readonly timeoutMs?: number; readonly pollMs?: number } = {},
  ) {
    this.db = database.db;
  }

  /** True when caught up, false when the wait timed out (or the consumer is far behind). */
  async waitUntilCurrent(): Promise<boolean> {
    const pending = await this.store.readAll(await this.checkpoint(), FAR_BEHIND, {
      streamPrefixes: INTAKE_STREAM_PREFIXES,
    });
    if (pending.length === 0) return true;
    // A consumer replaying a long history will not catch up within a request: judge now.
    if (pending.length >= FAR_BEHIND) return false;
    const target = pending[pending.length - 1].position;
    const deadline = Date.now() + (this.options.timeoutMs ?? 5_000);
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 50));
      if ((await this.checkpoint()) >= target) return true;
    }
    return false;
  }

  private async checkpoint(): Promise<bigint> {
    const row = await this.db
      .selectFrom(PROJECTION_STATUS_TABLE as 'projection_status')
      .select('checkpoint')
      .where('name', '=', INTAKE_MAIL_CONSUMER)
      .executeTakeFirst()
      .catch(() => undefined);
    return row ? BigInt(row.checkpoint) : 0n;
  }
}

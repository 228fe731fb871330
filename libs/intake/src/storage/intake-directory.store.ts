import type { Kysely } from 'kysely';
import type { SqlDatabase } from '@engine/platform';
import type { IntakeTables, IntakeThreadsTable } from './intake.tables';

export interface DirectoryLead {
  readonly customerId: string;
  readonly userId: string;
  readonly email: string;
  readonly trained: boolean;
}

export interface Thread {
  readonly incidentId: string;
  readonly number: string;
  readonly customerId: string;
  readonly title: string;
  readonly channel: string;
  readonly reporterUserId: string;
  readonly reporterEmail: string | null;
  readonly rootMessageId: string | null;
  readonly openedAt: string;
}

const toThread = (row: IntakeThreadsTable): Thread => ({
  incidentId: row.incident_id,
  number: row.number,
  customerId: row.customer_id,
  title: row.title,
  channel: row.channel,
  reporterUserId: row.reporter_user_id,
  reporterEmail: row.reporter_email,
  rootMessageId: row.root_message_id,
  openedAt: row.opened_at,
});

/**
 * Who may write in (leads by email) and which incident a message belongs to (numbers, message
 * ids). Kept by the intake's feed consumer; every write is one idempotent statement, so a
 * replayed batch changes nothing.
 */
export class IntakeDirectoryStore {
  private readonly db: Kysely<IntakeTables>;

  constructor(database: SqlDatabase) {
    this.db = database.db;
  }

  async leadsByEmail(email: string): Promise<DirectoryLead[]> {
    const rows = await this.db
      .selectFrom('intake_leads')
      .selectAll()
      .where('email', '=', email.toLowerCase())
      .orderBy('customer_id')
      .orderBy('user_id')
      .execute();
    return rows.map((row) => ({
      customerId: row.customer_id,
      userId: row.user_id,
      email: row.email,
      trained: Number(row.trained) === 1,
    }));
  }

  async nominateLead(customerId: string, userId: string, email: string): Promise<void> {
    const row = {
      customer_id: customerId,
      user_id: userId,
      email: email.toLowerCase(),
      trained: 0,
    };
    await this.db
      .insertInto('intake_leads')
      .values(row)
      .onConflict((conflict) =>
        conflict.columns(['customer_id', 'user_id']).doUpdateSet({ email: row.email, trained: 0 }),
      )
      .execute();
  }

  async trainLead(customerId: string, userId: string): Promise<void> {
    await this.db
      .updateTable('intake_leads')
      .set({ trained: 1 })
      .where('customer_id', '=', customerId)
      .where('user_id', '=', userId)
      .execute();
  }

  async removeLead(customerId: string, userId: string): Promise<void> {
    await this.db
      .deleteFrom('intake_leads')
      .where('customer_id', '=', customerId)
      .where('user_id', '=', userId)
      .execute();
  }

  async recordThread(thread: Thread): Promise<void> {
    await this.db
      .insertInto('intake_threads')
      .values({
        incident_id: thread.incidentId,
        number: thread.number,
        customer_id: thread.customerId,
        title: thread.title,
        channel: thread.channel,
        reporter_user_id: thread.reporterUserId,
        reporter_email: thread.reporterEmail,
        root_message_id: thread.rootMessageId,
        opened_at: thread.openedAt,
      })
      .onConflict((conflict) => conflict.column('incident_id').doNothing())
      .execute();
  }

  async threadById(incidentId: string): Promise<Thread | null> {
    const row = await this.db
      .selectFrom('intake_threads')
      .selectAll()
      .where('incident_id', '=', incidentId)
      .executeTakeFirst();
    return row ? toThread(row) : null;
  }

  async threadByNumber(number: string): Promise<Thread | null> {
    const row = await this.db
      .selectFrom('intake_threads')
      .selectAll()
      .where('number', '=', number.toUpperCase())
      .executeTakeFirst();
    return row ? toThread(row) : null;
  }

  /** Remembers a Message-ID of the incident's conversation (received, or sent by the engine). */
  async recordMessageId(
    messageId: string,
    incidentId: string,
    direction: 'received' | 'sent',
  ): Promise<void> {
    await this.db
      .insertInto('intake_message_ids')
      .values({ message_id: messageId, incident_id: incidentId, direction })
      .onConflict((conflict) => conflict.column('message_id').doNothing())
      .execute();
  }

  /** The incident of the first of `messageIds` (in the order given) that belongs to one. */
  async incidentOfMessageIds(messageIds: readonly string[]): Promise<string | null> {
    if (messageIds.length === 0) return null;
    const rows = await this.db
      .selectFrom('intake_message_ids')
      .select(['message_id', 'incident_id'])
      .where('message_id', 'in', [...messageIds])
      .execute();
    const byId = new Map(rows.map((row) => [row.message_id, row.incident_id]));
    for (const id of messageIds) {
      const incidentId = byId.get(id);
      if (incidentId) return incidentId;
    }
    return null;
  }
}

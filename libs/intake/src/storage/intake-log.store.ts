import { sql, type Kysely } from 'kysely';
import type { SqlDatabase } from '@engine/platform';
import type { EmailAttachment } from '../parsing/email-message';
import type { IntakeMessagesTable, IntakeNotificationsTable, IntakeTables } from './intake.tables';

export type IntakeOutcome = 'opened' | 'replied' | 'reopened' | 'refused';
export type IntakeChannel = 'http' | 'smtp';

/** What the intake answered for one Message-ID; a redelivery gets the same answer. */
export interface MessageRecord {
  readonly messageId: string;
  readonly receivedAt: string;
  readonly via: IntakeChannel;
  readonly from: string;
  readonly subject: string;
  readonly outcome: IntakeOutcome;
  readonly incidentId: string | null;
  readonly number: string | null;
  readonly reason: string | null;
  readonly attachments: readonly EmailAttachment[];
}

export type NotificationStatus = 'queued' | 'retrying' | 'sent' | 'failed';

export interface NotificationRecord {
  readonly notificationId: string;
  readonly incidentId: string;
  readonly number: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly to: string;
  readonly subject: string;
  readonly messageId: string;
  readonly status: NotificationStatus;
  readonly attempts: number;
  readonly error: string | null;
  readonly queuedAt: string;
  readonly updatedAt: string;
  readonly sentAt: string | null;
}

const toMessage = (row: IntakeMessagesTable): MessageRecord => ({
  messageId: row.message_id,
  receivedAt: row.received_at,
  via: row.via as IntakeChannel,
  from: row.from_address,
  subject: row.subject,
  outcome: row.outcome as IntakeOutcome,
  incidentId: row.incident_id,
  number: row.number,
  reason: row.reason,
  attachments: JSON.parse(row.attachments) as EmailAttachment[],
});

const toNotification = (row: IntakeNotificationsTable): NotificationRecord => ({
  notificationId: row.notification_id,
  incidentId: row.incident_id,
  number: row.number,
  eventId: row.event_id,
  eventType: row.event_type,
  to: row.to_address,
  subject: row.subject,
  messageId: row.message_id,
  status: row.status as NotificationStatus,
  attempts: Number(row.attempts),
  error: row.error,
  queuedAt: row.queued_at,
  updatedAt: row.updated_at,
  sentAt: row.sent_at,
});

export type LogEntry =
  | ({ readonly kind: 'message' } & MessageRecord)
  | ({ readonly kind: 'notification' } & NotificationRecord);

/** A position in the log, newest first: the entry's time, then its id. */
export interface LogKey {
  readonly at: string;
  readonly id: string;
}

/** Every inbound message with its outcome and every notification with its delivery state. */
export class IntakeLogStore {
  private readonly db: Kysely<IntakeTables>;

  constructor(database: SqlDatabase) {
    this.db = database.db;
  }

  async findMessage(messageId: string): Promise<MessageRecord | null> {
    const row = await this.db
      .selectFrom('intake_messages')
      .selectAll()
      .where('message_id', '=', messageId)
      .executeTakeFirst();
    return row ? toMessage(row) : null;
  }

  /** Records the outcome unless the Message-ID has one already; returns the one that stands. */
  async recordMessage(record: MessageRecord): Promise<MessageRecord> {
    await this.db
      .insertInto('intake_messages')
      .values({
        message_id: record.messageId,
        received_at: record.receivedAt,
        via: record.via,
        from_address: record.from,
        subject: record.subject,
        outcome: record.outcome,
        incident_id: record.incidentId,
        number: record.number,
        reason: record.reason,
        attachments: JSON.stringify(record.attachments),
      })
      .onConflict((conflict) => conflict.column('message_id').doNothing())
      .execute();
    return (await this.findMessage(record.messageId)) ?? record;
  }

  async findNotification(notificationId: string): Promise<NotificationRecord | null> {
    const row = await this.db
      .selectFrom('intake_notifications')
      .selectAll()
      .where('notification_id', '=', notificationId)
      .executeTakeFirst();
    return row ? toNotification(row) : null;
  }

  /** Records a notification as queued unless it is known; returns the one that stands. */
  async recordNotification(record: NotificationRecord): Promise<NotificationRecord> {
    await this.db
      .insertInto('intake_notifications')
      .values({
        notification_id: record.notificationId,
        incident_id: record.incidentId,
        number: record.number,
        event_id: record.eventId,
        event_type: record.eventType,
        to_address: record.to,
        subject: record.subject,
        message_id: record.messageId,
        status: record.status,
        attempts: record.attempts,
        error: record.error,
        queued_at: record.queuedAt,
        updated_at: record.updatedAt,
        sent_at: record.sentAt,
      })
      .onConflict((conflict) => conflict.column('notification_id').doNothing())
      .execute();
    return (await this.findNotification(record.notificationId)) ?? record;
  }

  async markNotification(
    notificationId: string,
    change: Pick<NotificationRecord, 'status' | 'attempts' | 'error' | 'sentAt'>,
    at: string,
  ): Promise<void> {
    await this.db
      .updateTable('intake_notifications')
      .set({
        status: change.status,
        attempts: change.attempts,
        error: change.error,
        sent_at: change.sentAt,
        updated_at: at,
      })
      .where('notification_id', '=', notificationId)
      // A late report of an earlier attempt never undoes a send.
      .where('status', '!=', 'sent')
      .execute();
  }

  /** Up to `limit` entries after `after` (newest first), and whether more follow. */
  async page(limit: number, after: LogKey | null): Promise<{ entries: LogEntry[]; more: boolean }> {
    const messages = this.db
      .selectFrom('intake_messages')
      .select([sql<string>`'message'`.as('kind'), 'message_id as id', 'received_at as at']);
    const notifications = this.db
      .selectFrom('intake_notifications')
      .select([sql<string>`'notification'`.as('kind'), 'notification_id as id', 'queued_at as at']);
    let query = this.db.selectFrom(messages.unionAll(notifications).as('log')).selectAll();
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('at', '<', after.at),
          eb.and([eb('at', '=', after.at), eb('id', '<', after.id)]),
        ]),
      );
    const keys = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const shown = keys.slice(0, limit);
    const messageIds = shown.filter((key) => key.kind === 'message').map((key) => key.id);
    const notificationIds = shown.filter((key) => key.kind !== 'message').map((key) => key.id);
    const [messageRows, notificationRows] = await Promise.all([
      messageIds.length === 0
        ? []
        : this.db
            .selectFrom('intake_messages')
            .selectAll()
            .where('message_id', 'in', messageIds)
            .execute(),
      notificationIds.length === 0
        ? []
        : this.db
            .selectFrom('intake_notifications')
            .selectAll()
            .where('notification_id', 'in', notificationIds)
            .execute(),
    ]);
    const byMessage = new Map(messageRows.map((row) => [row.message_id, toMessage(row)]));
    const byNotification = new Map(
      notificationRows.map((row) => [row.notification_id, toNotification(row)]),
    );
    const entries = shown.flatMap((key): LogEntry[] => {
      const message = key.kind === 'message' ? byMessage.get(key.id) : undefined;
      if (message) return [{ kind: 'message', ...message }];
      const notification = byNotification.get(key.id);
      return notification ? [{ kind: 'notification', ...notification }] : [];
    });
    return { entries, more: keys.length > limit };
  }
}

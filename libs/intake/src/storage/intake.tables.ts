import type { SqlMigration } from '@engine/platform';

/** The intake's tables in the read store (types as both drivers return them). */
export interface IntakeLeadsTable {
  customer_id: string;
  user_id: string;
  /** Lower case: senders are matched case-insensitively. */
  email: string;
  trained: number;
}

export interface IntakeThreadsTable {
  incident_id: string;
  number: string;
  customer_id: string;
  title: string;
  channel: string;
  reporter_user_id: string;
  /** The address an email incident was sent from (notifications go there); null for the web. */
  reporter_email: string | null;
  /** The Message-ID of the email that opened it; notifications answer it. */
  root_message_id: string | null;
  opened_at: string;
}

export interface IntakeMessageIdsTable {
  message_id: string;
  incident_id: string;
  direction: 'received' | 'sent';
}

export interface IntakeMessagesTable {
  message_id: string;
  received_at: string;
  via: string;
  from_address: string;
  subject: string;
  outcome: string;
  incident_id: string | null;
  number: string | null;
  reason: string | null;
  /** JSON: `[{ filename, contentType, size }]`. */
  attachments: string;
}

export interface IntakeNotificationsTable {
  notification_id: string;
  incident_id: string;
  number: string;
  event_id: string;
  event_type: string;
  to_address: string;
  subject: string;
  message_id: string;
  status: string;
  attempts: number;
  error: string | null;
  queued_at: string;
  updated_at: string;
  sent_at: string | null;
}

export interface IntakeTables {
  intake_leads: IntakeLeadsTable;
  intake_threads: IntakeThreadsTable;
  intake_message_ids: IntakeMessageIdsTable;
  intake_messages: IntakeMessagesTable;
  intake_notifications: IntakeNotificationsTable;
}

/** Never edit a shipped migration: add another. */
export const INTAKE_MIGRATIONS: readonly SqlMigration[] = [
  {
    name: 'intake/001-directory',
    async up(db) {
      await db.schema
        .createTable('intake_leads')
        .addColumn('customer_id', 'text', (column) => column.notNull())
        .addColumn('user_id', 'text', (column) => column.notNull())
        .addColumn('email', 'text', (column) => column.notNull())
        .addColumn('trained', 'integer', (column) => column.notNull())
        .addPrimaryKeyConstraint('intake_leads_pk', ['customer_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('intake_leads_email')
        .on('intake_leads')
        .column('email')
        .execute();
      await db.schema
        .createTable('intake_threads')
        .addColumn('incident_id', 'text', (column) => column.primaryKey())
        .addColumn('number', 'text', (column) => column.notNull())
        .addColumn('customer_id', 'text', (column) => column.notNull())
        .addColumn('title', 'text', (column) => column.notNull())
        .addColumn('channel', 'text', (column) => column.notNull())
        .addColumn('reporter_user_id', 'text', (column) => column.notNull())
        .addColumn('reporter_email', 'text')
        .addColumn('root_message_id', 'text')
        .addColumn('opened_at', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('intake_threads_number')
        .on('intake_threads')
        .column('number')
        .execute();
      await db.schema
        .createTable('intake_message_ids')
        .addColumn('message_id', 'text', (column) => column.primaryKey())
        .addColumn('incident_id', 'text', (column) => column.notNull())
        .addColumn('direction', 'text', (column) => column.notNull())
        .execute();
    },
  },
  {
    name: 'intake/002-log',
    async up(db) {
      await db.schema
        .createTable('intake_messages')
        .addColumn('message_id', 'text', (column) => column.primaryKey())
        .addColumn('received_at', 'text', (column) => column.notNull())
        .addColumn('via', 'text', (column) => column.notNull())
        .addColumn('from_address', 'text', (column) => column.notNull())
        .addColumn('subject', 'text', (column) => column.notNull())
        .addColumn('outcome', 'text', (column) => column.notNull())
        .addColumn('incident_id', 'text')
        .addColumn('number', 'text')
        .addColumn('reason', 'text')
        .addColumn('attachments', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('intake_messages_received_at')
        .on('intake_messages')
        .columns(['received_at', 'message_id'])
        .execute();
      await db.schema
        .createTable('intake_notifications')
        .addColumn('notification_id', 'text', (column) => column.primaryKey())
        .addColumn('incident_id', 'text', (column) => column.notNull())
        .addColumn('number', 'text', (column) => column.notNull())
        .addColumn('event_id', 'text', (column) => column.notNull())
        .addColumn('event_type', 'text', (column) => column.notNull())
        .addColumn('to_address', 'text', (column) => column.notNull())
        .addColumn('subject', 'text', (column) => column.notNull())
        .addColumn('message_id', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('attempts', 'integer', (column) => column.notNull())
        .addColumn('error', 'text')
        .addColumn('queued_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addColumn('sent_at', 'text')
        .execute();
      await db.schema
        .createIndex('intake_notifications_queued_at')
        .on('intake_notifications')
        .columns(['queued_at', 'notification_id'])
        .execute();
    },
  },
];

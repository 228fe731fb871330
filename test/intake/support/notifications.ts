import { randomUUID } from 'node:crypto';
import type { IntakeLogStore, NotificationQueue, PlannedNotification } from '@engine/intake';

/** A notification as the intake's mail follower plans it: a reply in the thread of INC-1001. */
export const plannedNotification = (
  overrides: Partial<PlannedNotification> = {},
): PlannedNotification => {
  const eventId = randomUUID();
  return {
    notificationId: `notify-${eventId}`,
    incidentId: 'incident-1',
    number: 'INC-1001',
    eventId,
    eventType: 'incident.responded',
    to: 'acme-lead@example.com',
    subject: '[INC-1001] nginx returns 502',
    text: 'We are on it.\n',
    messageId: `<inc-1001.${eventId}@almacare.test>`,
    inReplyTo: '<root@mail.example.com>',
    references: ['<root@mail.example.com>'],
    ...overrides,
  };
};

/** Records the notification as queued in the intake log and adds its job, as the follower does. */
export async function queueNotification(
  log: IntakeLogStore,
  outbox: NotificationQueue,
  notification: PlannedNotification,
): Promise<void> {
  const at = new Date().toISOString();
  await log.recordNotification({
    ...notification,
    status: 'queued',
    attempts: 0,
    error: null,
    queuedAt: at,
    updatedAt: at,
    sentAt: null,
  });
  await outbox.enqueue(notification);
}

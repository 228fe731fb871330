import type { Queue } from 'bullmq';
import type { NotificationOutbox } from '../feed/intake-mail.consumer';
import type { PlannedNotification } from './notification.render';

export const NOTIFICATION_QUEUE = 'intake-notifications';
export const NOTIFICATION_JOB = 'notify';

export interface NotificationRetryOptions {
  /** Attempts in all, the first included. Default 10. */
  readonly attempts?: number;
  /** First retry delay; each next one doubles (2 s, 4 s, ... about 17 min at the 10th). */
  readonly backoffMs?: number;
}

/** Queues one job per notification; re-adding an id BullMQ still holds keeps the original job. */
export class NotificationQueue implements NotificationOutbox {
  constructor(
    private readonly queue: Queue<PlannedNotification>,
    private readonly retry: NotificationRetryOptions = {},
  ) {}

  async enqueue(notification: PlannedNotification): Promise<void> {
    await this.queue.add(NOTIFICATION_JOB, notification, {
      jobId: notification.notificationId,
      attempts: this.retry.attempts ?? 10,
      backoff: { type: 'exponential', delay: this.retry.backoffMs ?? 2_000 },
      // The SQL log keeps the outcome; Redis keeps jobs only long enough to dedupe replays.
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    });
  }
}

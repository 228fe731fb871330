import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { NOTIFICATION_QUEUE, type IntakeLogStore, type PlannedNotification } from '@engine/intake';
import { STALLED_JOB_RECOVERIES } from '@engine/platform';
import type { FollowerLogger } from '@engine/read-models';
import { isPermanentMailError, type MailSender } from './mail-sender';

export interface NotificationSenderOptions {
  readonly connection: ConnectionOptions;
  readonly prefix: string;
  readonly sender: MailSender;
  readonly log: IntakeLogStore;
  readonly logger: FollowerLogger;
  readonly concurrency?: number;
}

const describe = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * Sends queued notifications. Each attempt's outcome goes to the intake log; a 5xx refusal
 * fails at once (UnrecoverableError), anything else is retried with the job's backoff. A failed
 * mail is only a log line: the incident's events never wait for it.
 */
export function createNotificationSender(
  options: NotificationSenderOptions,
): Worker<PlannedNotification> {
  const { log, logger, sender } = options;
  const process = async (job: Job<PlannedNotification>): Promise<void> => {
    const notification = job.data;
    const attempt = job.attemptsMade + 1;
    try {
      await sender.send(notification);
    } catch (error) {
      const permanent = isPermanentMailError(error);
      const last = permanent || attempt >= (job.opts.attempts ?? 1);
      const reason = describe(error);
      await log
        .markNotification(
          notification.notificationId,
          { status: last ? 'failed' : 'retrying', attempts: attempt, error: reason, sentAt: null },
          new Date().toISOString(),
        )
        .catch((logError: unknown) => logger.warn(`intake log: ${describe(logError)}`));
      logger.warn(
        `notification ${notification.notificationId} to ${notification.to}: attempt ${attempt} failed (${reason})${last ? ', giving up' : ''}`,
      );
      throw permanent ? new UnrecoverableError(reason) : error;
    }
    const sentAt = new Date().toISOString();
    // Sent: a failure to record it must not make BullMQ send the mail again.
    await log
      .markNotification(
        notification.notificationId,
        { status: 'sent', attempts: attempt, error: null, sentAt },
        sentAt,
      )
      .catch((error: unknown) => logger.warn(`intake log: ${describe(error)}`));
  };
  const worker = new Worker<PlannedNotification>(NOTIFICATION_QUEUE, process, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 4,
    maxStalledCount: STALLED_JOB_RECOVERIES,
  });
  worker.on('error', (error) => logger.warn(`notification worker: ${describe(error)}`));
  return worker;
}

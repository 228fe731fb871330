import { randomUUID } from 'node:crypto';
import type { IncidentOpened, LeadNominated, LeadRemoved, LeadTrained } from '@engine/domain';
import type { EventStore, RecordedEvent } from '@engine/event-store';
import {
  FeedFollower,
  idAfterPrefix,
  occurredAtOf,
  silentLogger,
  type FeedConsumer,
  type FollowerLogger,
  type FollowerOptions,
  type LeaseOptions,
  type ProjectionStore,
} from '@engine/read-models';
import { planNotification, type PlannedNotification } from '../notifications/notification.render';
import type { IntakeDirectoryStore } from '../storage/intake-directory.store';
import type { IntakeLogStore } from '../storage/intake-log.store';
import { INTAKE_MAIL_CONSUMER, INTAKE_STREAM_PREFIXES } from './directory-freshness';

/** Where planned notifications go (a BullMQ queue); idempotent by notification id. */
export interface NotificationOutbox {
  enqueue(notification: PlannedNotification): Promise<void>;
}

export interface IntakeMailDependencies {
  readonly projections: ProjectionStore;
  readonly directory: IntakeDirectoryStore;
  readonly log: IntakeLogStore;
  /** Null when no SMTP_URL is set: the directory is kept, nothing is mailed. */
  readonly outbox: NotificationOutbox | null;
  /** The domain of the engine's Message-IDs (the From address's). */
  readonly senderDomain: string;
  readonly now?: () => string;
  readonly logger?: FollowerLogger;
}

const CUSTOMER = 'customer-';
const INCIDENT = 'incident-';

/**
 * The intake's reactor on the feed: keeps the lead directory (`customer-` events) and the thread
 * table (`incident.opened`), and turns each public vendor message on an email incident into a
 * queued notification. At least once: every write is idempotent and the job id is the
 * notification id, so a replayed batch neither duplicates a row nor a mail. A mail that was
 * already sent or given up is never queued again.
 */
export function intakeMailConsumer(deps: IntakeMailDependencies): FeedConsumer {
  const now = deps.now ?? (() => new Date().toISOString());

  const onCustomerEvent = async (event: RecordedEvent, customerId: string): Promise<void> => {
    switch (event.type) {
      case 'customer.lead-nominated': {
        const data = event.data as LeadNominated['data'];
        await deps.directory.nominateLead(customerId, data.userId, data.email);
        return;
      }
      case 'customer.lead-trained':
        await deps.directory.trainLead(customerId, (event.data as LeadTrained['data']).userId);
        return;
      case 'customer.lead-removed':
        await deps.directory.removeLead(customerId, (event.data as LeadRemoved['data']).userId);
        return;
      default:
        return;
    }
  };

  const onOpened = async (event: RecordedEvent): Promise<void> => {
    const data = event.data as IncidentOpened['data'];
    const source = data.source ?? {};
    const messageId = typeof source.messageId === 'string' ? source.messageId : null;
    const from = typeof source.from === 'string' ? source.from : null;
    await deps.directory.recordThread({
      incidentId: data.incidentId,
      number: data.number,
      customerId: data.customerId,
      title: data.title,
      channel: data.channel,
      reporterUserId: data.reportedBy,
      reporterEmail: data.channel === 'email' ? from : null,
      rootMessageId: data.channel === 'email' ? messageId : null,
      openedAt: data.receivedAt,
    });
    if (data.channel === 'email' && messageId)
      await deps.directory.recordMessageId(messageId, data.incidentId, 'received');
  };

  const notify = async (event: RecordedEvent, incidentId: string): Promise<void> => {
    if (!deps.outbox) return;
    const thread = await deps.directory.threadById(incidentId);
    const planned = thread && planNotification(event, thread, deps.senderDomain);
    if (!planned) return;
    const queuedAt = now();
    const record = await deps.log.recordNotification({
      notificationId: planned.notificationId,
      incidentId: planned.incidentId,
      number: planned.number,
      eventId: planned.eventId,
      eventType: planned.eventType,
      to: planned.to,
      subject: planned.subject,
      messageId: planned.messageId,
      status: 'queued',
      attempts: 0,
      error: null,
      queuedAt,
      updatedAt: queuedAt,
      sentAt: null,
    });
    if (record.status === 'sent' || record.status === 'failed') return;
    // Recorded before the send, so a reply to the mail threads even if it is read at once.
    await deps.directory.recordMessageId(planned.messageId, planned.incidentId, 'sent');
    await deps.outbox.enqueue(planned);
  };

  const handle = async (event: RecordedEvent): Promise<void> => {
    const customerId = idAfterPrefix(event.streamId, CUSTOMER);
    if (customerId !== null) return onCustomerEvent(event, customerId);
    const incidentId = idAfterPrefix(event.streamId, INCIDENT);
    if (incidentId === null) return;
    if (event.type === 'incident.opened') return onOpened(event);
    return notify(event, incidentId);
  };

  return {
    name: INTAKE_MAIL_CONSUMER,
    streamPrefixes: INTAKE_STREAM_PREFIXES,
    readStatus: () => deps.projections.readStatus(INTAKE_MAIL_CONSUMER),
    async apply(events, expected, lease) {
      for (const event of events) {
        if (!lease.isHeld()) return { kind: 'lease-lost' };
        await handle(event);
      }
      const last = events[events.length - 1];
      const lastEventAt = occurredAtOf(last);
      if (
        await deps.projections.advanceCheckpoint(
          INTAKE_MAIL_CONSUMER,
          expected,
          last.position,
          lastEventAt,
        )
      )
        return { kind: 'applied', checkpoint: last.position, lastEventAt };
      const moved = await deps.projections.readStatus(INTAKE_MAIL_CONSUMER);
      return { kind: 'moved', checkpoint: moved.checkpoint };
    },
  };
}

export interface IntakeMailFollowerOptions extends FollowerOptions {
  readonly owner?: string;
  readonly lease?: LeaseOptions;
}

/** The consumer as a feed follower of its own (own checkpoint, one active runner by lease). */
export function createIntakeMailFollower(
  store: EventStore,
  deps: IntakeMailDependencies,
  options: IntakeMailFollowerOptions = {},
): FeedFollower {
  const lease = deps.projections.lease(
    INTAKE_MAIL_CONSUMER,
    options.owner ?? randomUUID(),
    options.lease,
  );
  return new FeedFollower(store, intakeMailConsumer(deps), lease, {
    logger: deps.logger ?? silentLogger,
    ...options,
  });
}

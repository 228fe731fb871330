import type { LogEntry } from '@engine/intake';

/** One line of the intake log as the API shows it: the record plus a sentence saying what happened. */
export function logItem(entry: LogEntry): Record<string, unknown> {
  if (entry.kind === 'message') {
    const { kind, messageId, receivedAt, via, from, subject, outcome, incidentId, number, reason } =
      entry;
    return {
      kind,
      at: receivedAt,
      messageId,
      via,
      from,
      subject,
      outcome,
      incidentId,
      number,
      reason,
      attachments: entry.attachments,
      summary: messageSummary(entry),
    };
  }
  const { kind, queuedAt, updatedAt, sentAt, messageId, to, subject, eventType, status } = entry;
  return {
    kind,
    at: queuedAt,
    updatedAt,
    sentAt,
    messageId,
    to,
    subject,
    event: { id: entry.eventId, type: eventType },
    status,
    attempts: entry.attempts,
    error: entry.error,
    incidentId: entry.incidentId,
    number: entry.number,
    summary: notificationSummary(entry),
  };
}

function messageSummary(entry: Extract<LogEntry, { kind: 'message' }>): string {
  const incident = entry.number ?? entry.incidentId ?? '';
  switch (entry.outcome) {
    case 'opened':
      return `opened ${incident}`;
    case 'replied':
      return `replied to ${incident}`;
    case 'reopened':
      return `reopened ${incident}`;
    case 'refused':
      return `refused: ${entry.reason ?? 'unknown reason'}`;
  }
}

function notificationSummary(entry: Extract<LogEntry, { kind: 'notification' }>): string {
  const mail = `${entry.eventType} of ${entry.number} to ${entry.to}`;
  switch (entry.status) {
    case 'sent':
      return `sent ${mail}`;
    case 'failed':
      return `failed ${mail} after ${entry.attempts} attempt(s): ${entry.error ?? 'unknown error'}`;
    case 'retrying':
      return `retrying ${mail} (attempt ${entry.attempts} failed: ${entry.error ?? 'unknown error'})`;
    case 'queued':
      return `queued ${mail}`;
  }
}

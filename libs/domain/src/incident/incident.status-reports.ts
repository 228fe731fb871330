import { parseDuration } from '../calendar/business-time';
import { DomainError } from '../decider/domain-error';
import type { Policy } from '../policy/policy.model';
import { atLeast, toMs } from './incident.clocks';
import type {
  AgreeStatusReportSchedule,
  CheckStatusReport,
  PostStatusReport,
  RequestStatusReport,
} from './incident.commands';
import { byLead, bySystem, byVendor, existing, open, type Decision } from './incident.guards';
import { Recorder } from './incident.recorder';
import type { IncidentState } from './incident.state';

export const postStatusReport = (
  policy: Policy,
  command: PostStatusReport,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const by = byVendor(command.meta);
  const { now } = command.meta;
  const due = incident.statusReport.dueAt;
  return new Recorder(incident, policy)
    .firstResponseIfNew(by, command.data.summary, now)
    .recordWithReportDue({
      type: 'incident.status-report-posted',
      data: {
        at: now,
        by,
        summary: command.data.summary,
        wasOverdue: due !== null && toMs(now) >= toMs(due),
        statusReportDueAt: null,
      },
    }).events;
};

/** Severity 4 reports are owed only on request; severities 1-3 already have a schedule. */
export const requestStatusReport = (
  policy: Policy,
  command: RequestStatusReport,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const by = byLead(command.meta, incident);
  const rule = policy.statusReports.rules[incident.severity];
  if (rule.kind !== 'on-request')
    throw new DomainError(
      'status-report-scheduled',
      `Severity ${incident.severity} incidents get status reports on a schedule; no request is needed.`,
      { statusReportDueAt: incident.statusReport.dueAt },
    );
  if (incident.statusReport.requestedAt !== null) return [];
  return new Recorder(incident, policy).recordWithReportDue({
    type: 'incident.status-report-requested',
    data: { at: command.meta.now, by, message: command.data.message, statusReportDueAt: null },
  }).events;
};

/** Severity 1: the cadence agreed with the customer, never more often than the policy minimum. */
export const agreeStatusReportSchedule = (
  policy: Policy,
  command: AgreeStatusReportSchedule,
  state: IncidentState,
): Decision => {
  const incident = open(state);
  const by = byVendor(command.meta);
  const rule = policy.statusReports.rules[incident.severity];
  if (rule.kind !== 'agreed')
    throw new DomainError(
      'status-report-schedule-not-applicable',
      `Only severity 1 incidents have an agreed status-report schedule (this one is severity ${incident.severity}).`,
    );
  let every;
  try {
    every = parseDuration(command.data.every);
  } catch {
    throw new DomainError(
      'invalid-duration',
      `"${command.data.every}" is not an ISO 8601 duration.`,
    );
  }
  const from = toMs(incident.statusReport.anchor ?? command.meta.now);
  if (every.kind !== 'calendar' || !atLeast(incident.calendar, from, every, rule.minInterval))
    throw new DomainError(
      'status-report-too-frequent',
      `Status reports are agreed at most once per ${rule.minInterval.kind === 'calendar' ? rule.minInterval.iso : 'minimum interval'}.`,
      {
        minInterval: rule.minInterval.kind === 'calendar' ? rule.minInterval.iso : rule.minInterval,
      },
    );
  return new Recorder(incident, policy).recordWithReportDue({
    type: 'incident.status-report-schedule-agreed',
    data: { at: command.meta.now, by, every: every.iso, statusReportDueAt: null },
  }).events;
};

/** Timer: records an overdue report once per due time, never before it. */
export const checkStatusReport = (command: CheckStatusReport, state: IncidentState): Decision => {
  const incident = existing(state);
  bySystem(command.meta);
  const due = incident.statusReport.dueAt;
  if (
    incident.status === 'closed' ||
    due === null ||
    incident.statusReport.overdueFor === due ||
    toMs(command.meta.now) < toMs(due)
  )
    return [];
  return [{ type: 'incident.status-report-overdue', data: { at: command.meta.now, dueAt: due } }];
};

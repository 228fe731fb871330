import { ignoreUnknown } from '../decider/decider';
import type { IncidentEvent } from './incident.events';
import type { IncidentState, OpenedIncidentState, StatusReportClock } from './incident.state';

const closeStays = (clock: StatusReportClock, at: string): StatusReportClock => ({
  ...clock,
  stays: clock.stays.map((stay) => (stay.to === null ? { ...stay, to: at } : stay)),
});

const restartReportClock = (
  clock: StatusReportClock,
  at: string,
  dueAt: string | null,
  onCustomerSide: boolean,
): StatusReportClock => ({
  ...clock,
  anchor: at,
  stays: onCustomerSide ? [{ from: at, to: null }] : [],
  dueAt,
  requestedAt: null,
});

/** Folds one accepted event into the state. Never validates, never throws: old events always replay. */
export const evolveIncident = (state: IncidentState, event: IncidentEvent): IncidentState => {
  if (event.type === 'incident.opened') return opened(event.data);
  if (state.status === 'none') return state;
  return { ...evolveOpened(state, event), lastActivityAt: lastActivity(state, event) };
};

const lastActivity = (state: OpenedIncidentState, event: IncidentEvent): string =>
  'at' in event.data && typeof event.data.at === 'string' ? event.data.at : state.lastActivityAt;

const evolveOpened = (s: OpenedIncidentState, event: IncidentEvent): OpenedIncidentState => {
  switch (event.type) {
    case 'incident.opened':
      return s;
    case 'incident.responded':
      return {
        ...s,
        status: s.status === 'new' ? 'in-progress' : s.status,
        respondedAt: event.data.at,
        responseTimeMs: event.data.responseTimeMs,
        responseSla: event.data.withinTarget ? 'met' : 'breached',
        statusReport: restartReportClock(
          s.statusReport,
          event.data.at,
          event.data.statusReportDueAt,
          false,
        ),
      };
    case 'incident.commented':
      return s;
    case 'incident.severity-changed':
      return {
        ...s,
        severity: event.data.to,
        responseTarget: event.data.responseTarget,
        responseDueAt: event.data.responseDueAt,
        responseAtRiskAt: event.data.responseAtRiskAt,
        statusReport: { ...s.statusReport, dueAt: event.data.statusReportDueAt },
      };
    case 'incident.awaiting-customer': {
      const d = event.data;
      const responded: Partial<OpenedIncidentState> = d.firstResponse
        ? {
            respondedAt: d.at,
            responseTimeMs: d.responseTimeMs,
            responseSla: d.withinTarget ? 'met' : 'breached',
          }
        : {};
      if (d.further) return { ...s, openQuestions: s.openQuestions + 1 };
      const clock = d.firstResponse
        ? restartReportClock(s.statusReport, d.at, d.statusReportDueAt, true)
        : {
            ...s.statusReport,
            stays: [...s.statusReport.stays, { from: d.at, to: null }],
            dueAt: d.statusReportDueAt,
          };
      return {
        ...s,
        ...responded,
        status: 'awaiting-customer',
        awaitingCustomerSince: d.at,
        customerSideDeadline: d.customerSideDeadline,
        reminderDueAts: d.reminderDueAts,
        remindersSent: [],
        openQuestions: 1,
        statusReport: clock,
      };
    }
    case 'incident.customer-responded':
      return {
        ...leaveCustomerSide(s),
        status: 'in-progress',
        statusReport: {
          ...closeStays(s.statusReport, event.data.at),
          dueAt: event.data.statusReportDueAt,
        },
      };
    case 'incident.customer-reminded':
      return { ...s, remindersSent: [...s.remindersSent, event.data.reminder] };
    case 'incident.closed-by-timeout':
      return close(s, event.data.at, 'timeout', null, null);
    case 'incident.status-report-posted':
      return {
        ...s,
        statusReport: {
          ...restartReportClock(
            s.statusReport,
            event.data.at,
            event.data.statusReportDueAt,
            s.status === 'awaiting-customer',
          ),
          lastPostedAt: event.data.at,
          posted: s.statusReport.posted + 1,
        },
      };
    case 'incident.status-report-requested':
      return {
        ...s,
        statusReport: {
          ...s.statusReport,
          requestedAt: event.data.at,
          dueAt: event.data.statusReportDueAt,
        },
      };
    case 'incident.status-report-schedule-agreed':
      return {
        ...s,
        statusReport: {
          ...s.statusReport,
          agreedEvery: event.data.every,
          dueAt: event.data.statusReportDueAt,
        },
      };
    case 'incident.status-report-overdue':
      return { ...s, statusReport: { ...s.statusReport, overdueFor: event.data.dueAt } };
    case 'incident.response-sla-at-risk':
      return {
        ...s,
        atRiskRecorded: true,
        responseSla: s.responseSla === 'pending' ? 'at-risk' : s.responseSla,
      };
    case 'incident.response-sla-breached':
      return { ...s, breachRecorded: true, responseSla: 'breached' };
    case 'incident.escalated':
      return {
        ...s,
        escalationLevel: event.data.level,
        escalations: [
          ...s.escalations,
          { level: event.data.level, reason: event.data.reason, at: event.data.at },
        ],
      };
    case 'incident.linked-to-problem':
      return { ...s, problemId: event.data.problemId };
    case 'incident.workaround-provided':
      return { ...s, workaround: event.data.workaround };
    case 'incident.classified':
      return { ...s, category: event.data.to };
    case 'incident.resolved':
      return {
        ...close(s, event.data.at, 'resolved', null, null),
        workaround: event.data.workaround ?? s.workaround,
      };
    case 'incident.closed':
      return close(s, event.data.at, event.data.reason, event.data.code, event.data.reference);
    case 'incident.reopened':
      return {
        ...s,
        status: s.respondedAt === null ? 'new' : 'in-progress',
        closedAt: null,
        closeReason: null,
        closeCode: null,
        closeReference: null,
        reopenCount: s.reopenCount + 1,
        statusReport: {
          ...restartReportClock(s.statusReport, event.data.at, event.data.statusReportDueAt, false),
          overdueFor: null,
        },
      };
    default:
      return ignoreUnknown(event, s);
  }
};

const leaveCustomerSide = (s: OpenedIncidentState): OpenedIncidentState => ({
  ...s,
  awaitingCustomerSince: null,
  customerSideDeadline: null,
  reminderDueAts: [],
  remindersSent: [],
  openQuestions: 0,
});

const close = (
  s: OpenedIncidentState,
  at: string,
  reason: NonNullable<OpenedIncidentState['closeReason']>,
  code: OpenedIncidentState['closeCode'],
  reference: string | null,
): OpenedIncidentState => ({
  ...leaveCustomerSide(s),
  status: 'closed',
  closedAt: at,
  closeReason: reason,
  closeCode: code,
  closeReference: reference,
  statusReport: { ...closeStays(s.statusReport, at), dueAt: null, requestedAt: null },
});

const opened = (
  d: Extract<IncidentEvent, { type: 'incident.opened' }>['data'],
): OpenedIncidentState => ({
  status: 'new',
  incidentId: d.incidentId,
  number: d.number,
  customerId: d.customerId,
  plan: d.plan,
  policyVersion: d.policyVersion,
  kind: d.kind,
  severity: d.severity,
  category: d.category,
  title: d.title,
  description: d.description,
  channel: d.channel,
  reportedBy: d.reportedBy,
  relatedIncidentId: d.relatedIncidentId,
  receivedAt: d.receivedAt,
  calendar: d.calendar,
  source: d.source ?? null,
  responseTarget: d.responseTarget,
  responseDueAt: d.responseDueAt,
  responseAtRiskAt: d.responseAtRiskAt,
  respondedAt: null,
  responseTimeMs: null,
  responseSla: 'pending',
  atRiskRecorded: false,
  breachRecorded: false,
  awaitingCustomerSince: null,
  customerSideDeadline: null,
  reminderDueAts: [],
  remindersSent: [],
  openQuestions: 0,
  statusReport: {
    anchor: null,
    stays: [],
    dueAt: null,
    overdueFor: null,
    agreedEvery: null,
    requestedAt: null,
    lastPostedAt: null,
    posted: 0,
  },
  escalationLevel: 0,
  escalations: [],
  problemId: null,
  workaround: null,
  closedAt: null,
  closeReason: null,
  closeCode: null,
  closeReference: null,
  reopenCount: 0,
  lastActivityAt: d.receivedAt,
});

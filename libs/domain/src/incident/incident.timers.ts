import { toMs } from './incident.clocks';
import type { IncidentState } from './incident.state';

export type IncidentTimerKind =
  | 'response-at-risk'
  | 'response-breach'
  | 'status-report-due'
  | 'customer-reminder'
  | 'customer-side-timeout';

/** A clock the incident is waiting on, and the command to send when it runs out. */
export interface IncidentTimer {
  readonly kind: IncidentTimerKind;
  readonly incidentId: string;
  readonly dueAt: string;
  readonly command:
    | { readonly type: 'CheckResponseSla' }
    | { readonly type: 'CheckStatusReport' }
    | { readonly type: 'RemindCustomer'; readonly reminder: number }
    | { readonly type: 'TimeOutCustomerSide' };
}

/**
 * Every timer the incident's state calls for. Timers are hints: they are derived from the events
 * (and so can be rebuilt at any time) and the decider judges whether each is still due when it fires.
 */
export const pendingTimers = (state: IncidentState): readonly IncidentTimer[] => {
  if (state.status === 'none' || state.status === 'closed') return [];
  const incidentId = state.incidentId;
  const timers: IncidentTimer[] = [];
  if (state.respondedAt === null) {
    if (!state.atRiskRecorded)
      timers.push({
        kind: 'response-at-risk',
        incidentId,
        dueAt: state.responseAtRiskAt,
        command: { type: 'CheckResponseSla' },
      });
    if (!state.breachRecorded)
      timers.push({
        kind: 'response-breach',
        incidentId,
        dueAt: state.responseDueAt,
        command: { type: 'CheckResponseSla' },
      });
  }
  const reportDue = state.statusReport.dueAt;
  if (reportDue !== null && state.statusReport.overdueFor !== reportDue)
    timers.push({
      kind: 'status-report-due',
      incidentId,
      dueAt: reportDue,
      command: { type: 'CheckStatusReport' },
    });
  if (state.status === 'awaiting-customer' && state.customerSideDeadline !== null) {
    state.reminderDueAts.forEach((dueAt, reminder) => {
      if (!state.remindersSent.includes(reminder))
        timers.push({
          kind: 'customer-reminder',
          incidentId,
          dueAt,
          command: { type: 'RemindCustomer', reminder },
        });
    });
    timers.push({
      kind: 'customer-side-timeout',
      incidentId,
      dueAt: state.customerSideDeadline,
      command: { type: 'TimeOutCustomerSide' },
    });
  }
  return timers.sort((a, b) => toMs(a.dueAt) - toMs(b.dueAt));
};

/** The nearest deadline the vendor or the customer must meet, for queue ordering. */
export const nextDeadline = (state: IncidentState): string | null => {
  const timers = pendingTimers(state).filter(
    (t) => t.kind !== 'customer-reminder' && t.kind !== 'response-at-risk',
  );
  return timers.length === 0 ? null : timers[0]!.dueAt;
};

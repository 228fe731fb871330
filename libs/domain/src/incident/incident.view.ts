import type { Side } from './incident.model';
import type { OpenedIncidentState } from './incident.state';
import { nextDeadline } from './incident.timers';

export const sideOf = (state: OpenedIncidentState): Side | null =>
  state.status === 'closed' ? null : state.status === 'awaiting-customer' ? 'customer' : 'vendor';

/** The incident representation of the HTTP API (the caller adds `version`). */
export const incidentView = (s: OpenedIncidentState) => ({
  id: s.incidentId,
  number: s.number,
  customerId: s.customerId,
  plan: s.plan,
  policyVersion: s.policyVersion,
  kind: s.kind,
  severity: s.severity,
  category: s.category,
  title: s.title,
  description: s.description,
  status: s.status,
  side: sideOf(s),
  channel: s.channel,
  reportedBy: s.reportedBy,
  relatedIncidentId: s.relatedIncidentId,
  receivedAt: s.receivedAt,
  responseTarget: s.responseTarget,
  responseDueAt: s.responseDueAt,
  responseAtRiskAt: s.responseAtRiskAt,
  respondedAt: s.respondedAt,
  responseSla: s.responseSla,
  awaitingCustomerSince: s.awaitingCustomerSince,
  customerSideDeadline: s.customerSideDeadline,
  statusReportDueAt: s.statusReport.dueAt,
  statusReportAgreedEvery: s.statusReport.agreedEvery,
  statusReportRequestedAt: s.statusReport.requestedAt,
  escalationLevel: s.escalationLevel,
  problemId: s.problemId,
  workaround: s.workaround,
  closedAt: s.closedAt,
  closeReason: s.closeReason,
  closeCode: s.closeCode,
  closeReference: s.closeReference,
  nextDeadline: nextDeadline(s),
});

export type IncidentView = ReturnType<typeof incidentView>;

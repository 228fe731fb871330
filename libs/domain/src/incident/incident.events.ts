import type { DomainEvent } from '../decider/decider';
import type {
  Actor,
  Calendar,
  Channel,
  ClosureCode,
  ClosureReason,
  DurationSpec,
  EscalationLevel,
  EscalationReason,
  IncidentKind,
  InformationRequestKind,
  Plan,
  Severity,
  Side,
} from './incident.model';
import type { VendorRole } from '../decider/decider';

/**
 * The incident's events. Type names are the contract with downstream systems. Every deadline the
 * decider computed travels in the event that set it, so `evolve` needs no policy and a replay gives
 * the same deadlines. Instants are RFC 3339 UTC strings.
 */
export type IncidentOpened = DomainEvent<
  'incident.opened',
  {
    readonly incidentId: string;
    readonly number: string;
    readonly customerId: string;
    readonly plan: Plan;
    readonly policyVersion: string;
    readonly kind: IncidentKind;
    readonly severity: Severity;
    readonly category: string;
    readonly title: string;
    readonly description: string;
    readonly channel: Channel;
    readonly reportedBy: string;
    readonly relatedIncidentId: string | null;
    readonly receivedAt: string;
    /** The incident's business calendar: the customer's zone, the policy's holidays plus the customer's. */
    readonly calendar: Calendar;
    readonly responseTarget: DurationSpec;
    readonly responseDueAt: string;
    readonly responseAtRiskAt: string;
    /** Channel-specific details (email: message id, attachments). */
    readonly source?: Readonly<Record<string, unknown>>;
  }
>;

/** The first human confirmation of receipt: stops the response clock, starts the status-report clock. */
export type IncidentResponded = DomainEvent<
  'incident.responded',
  {
    readonly at: string;
    readonly by: Actor;
    readonly message: string;
    readonly withinTarget: boolean;
    readonly responseTimeMs: number;
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentCommented = DomainEvent<
  'incident.commented',
  { readonly at: string; readonly by: Actor; readonly side: Side; readonly message: string }
>;

export type IncidentSeverityChanged = DomainEvent<
  'incident.severity-changed',
  {
    readonly at: string;
    readonly by: Actor;
    readonly from: Severity;
    readonly to: Severity;
    readonly reason: string;
    readonly responseTarget: DurationSpec;
    readonly previousResponseDueAt: string;
    readonly responseDueAt: string;
    readonly responseAtRiskAt: string;
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentAwaitingCustomer = DomainEvent<
  'incident.awaiting-customer',
  {
    readonly at: string;
    readonly by: Actor;
    readonly requestKind: InformationRequestKind;
    readonly message: string;
    /** Set once per stay; a further request while waiting keeps it. */
    readonly customerSideDeadline: string;
    /** When each reminder is due, nearest last (policy offsets before the deadline). */
    readonly reminderDueAts: readonly string[];
    /** True when this request is also the first response (it stops the response clock). */
    readonly firstResponse: boolean;
    readonly withinTarget: boolean | null;
    readonly responseTimeMs: number | null;
    /** A further question while the incident already waits: the deadline does not move. */
    readonly further: boolean;
    /** Null while the status-report clock pauses on the customer's side. */
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentCustomerResponded = DomainEvent<
  'incident.customer-responded',
  {
    readonly at: string;
    readonly by: Actor;
    readonly message: string;
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentCustomerReminded = DomainEvent<
  'incident.customer-reminded',
  {
    readonly at: string;
    readonly reminder: number;
    readonly dueAt: string;
    readonly customerSideDeadline: string;
  }
>;

export type IncidentClosedByTimeout = DomainEvent<
  'incident.closed-by-timeout',
  { readonly at: string; readonly reason: 'timeout'; readonly customerSideDeadline: string }
>;

export type IncidentStatusReportPosted = DomainEvent<
  'incident.status-report-posted',
  {
    readonly at: string;
    readonly by: Actor;
    readonly summary: string;
    readonly wasOverdue: boolean;
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentStatusReportRequested = DomainEvent<
  'incident.status-report-requested',
  {
    readonly at: string;
    readonly by: Actor;
    readonly message: string;
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentStatusReportScheduleAgreed = DomainEvent<
  'incident.status-report-schedule-agreed',
  {
    readonly at: string;
    readonly by: Actor;
    readonly every: string;
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentStatusReportOverdue = DomainEvent<
  'incident.status-report-overdue',
  { readonly at: string; readonly dueAt: string }
>;

export type IncidentResponseSlaAtRisk = DomainEvent<
  'incident.response-sla-at-risk',
  { readonly at: string; readonly responseAtRiskAt: string; readonly responseDueAt: string }
>;

export type IncidentResponseSlaBreached = DomainEvent<
  'incident.response-sla-breached',
  { readonly at: string; readonly responseDueAt: string }
>;

export type IncidentEscalated = DomainEvent<
  'incident.escalated',
  {
    readonly at: string;
    readonly by: Actor;
    readonly level: EscalationLevel;
    readonly reason: EscalationReason;
    readonly message: string;
    /** The role that owns escalations of this level (policy). */
    readonly assignedRole: VendorRole;
  }
>;

export type IncidentLinkedToProblem = DomainEvent<
  'incident.linked-to-problem',
  { readonly at: string; readonly problemId: string }
>;

export type IncidentWorkaroundProvided = DomainEvent<
  'incident.workaround-provided',
  {
    readonly at: string;
    readonly by: Actor;
    readonly workaround: string;
    /** The problem the workaround came from, when a reactor passed it on. */
    readonly problemId: string | null;
  }
>;

export type IncidentClassified = DomainEvent<
  'incident.classified',
  { readonly at: string; readonly by: Actor; readonly from: string; readonly to: string }
>;

export type IncidentResolved = DomainEvent<
  'incident.resolved',
  {
    readonly at: string;
    readonly by: Actor;
    readonly reason: 'resolved';
    readonly resolution: string;
    readonly workaround: string | null;
  }
>;

export type IncidentClosed = DomainEvent<
  'incident.closed',
  {
    readonly at: string;
    readonly by: Actor;
    readonly reason: ClosureReason;
    readonly code: ClosureCode | null;
    readonly reference: string | null;
    readonly message: string;
  }
>;

export type IncidentReopened = DomainEvent<
  'incident.reopened',
  {
    readonly at: string;
    readonly by: Actor;
    readonly message: string;
    readonly statusReportDueAt: string | null;
  }
>;

export type IncidentEvent =
  | IncidentOpened
  | IncidentResponded
  | IncidentCommented
  | IncidentSeverityChanged
  | IncidentAwaitingCustomer
  | IncidentCustomerResponded
  | IncidentCustomerReminded
  | IncidentClosedByTimeout
  | IncidentStatusReportPosted
  | IncidentStatusReportRequested
  | IncidentStatusReportScheduleAgreed
  | IncidentStatusReportOverdue
  | IncidentResponseSlaAtRisk
  | IncidentResponseSlaBreached
  | IncidentEscalated
  | IncidentLinkedToProblem
  | IncidentWorkaroundProvided
  | IncidentClassified
  | IncidentResolved
  | IncidentClosed
  | IncidentReopened;

export type IncidentEventType = IncidentEvent['type'];

export const INCIDENT_EVENT_TYPES: readonly IncidentEventType[] = [
  'incident.opened',
  'incident.responded',
  'incident.commented',
  'incident.severity-changed',
  'incident.awaiting-customer',
  'incident.customer-responded',
  'incident.customer-reminded',
  'incident.closed-by-timeout',
  'incident.status-report-posted',
  'incident.status-report-requested',
  'incident.status-report-schedule-agreed',
  'incident.status-report-overdue',
  'incident.response-sla-at-risk',
  'incident.response-sla-breached',
  'incident.escalated',
  'incident.linked-to-problem',
  'incident.workaround-provided',
  'incident.classified',
  'incident.resolved',
  'incident.closed',
  'incident.reopened',
];

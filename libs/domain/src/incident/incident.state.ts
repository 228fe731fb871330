import type {
  Calendar,
  Channel,
  ClosureCode,
  CloseReason,
  DurationSpec,
  EscalationLevel,
  EscalationReason,
  IncidentKind,
  IncidentStatus,
  Plan,
  ResponseSlaState,
  Severity,
} from './incident.model';

/** A stay on the customer's side, which pauses the status-report clock. `to: null` = still there. */
export interface CustomerSideStay {
  readonly from: string;
  readonly to: string | null;
}

export interface StatusReportClock {
  /** The later of the first response and the last report (or the reopening); null before a response. */
  readonly anchor: string | null;
  /** Stays on the customer's side since the anchor. */
  readonly stays: readonly CustomerSideStay[];
  /** The next report is due at; null while none is owed or the clock is paused. */
  readonly dueAt: string | null;
  /** The due time an overdue was already recorded for (once per due time). */
  readonly overdueFor: string | null;
  /** Severity 1: the cadence agreed with the customer. */
  readonly agreedEvery: string | null;
  /** Severity 4: when the customer asked for a report not yet posted. */
  readonly requestedAt: string | null;
  readonly lastPostedAt: string | null;
  readonly posted: number;
}

export interface OpenedIncidentState {
  readonly status: IncidentStatus;
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
  readonly calendar: Calendar;
  readonly source: Readonly<Record<string, unknown>> | null;

  readonly responseTarget: DurationSpec;
  readonly responseDueAt: string;
  readonly responseAtRiskAt: string;
  readonly respondedAt: string | null;
  readonly responseTimeMs: number | null;
  readonly responseSla: ResponseSlaState;
  readonly atRiskRecorded: boolean;
  readonly breachRecorded: boolean;

  readonly awaitingCustomerSince: string | null;
  readonly customerSideDeadline: string | null;
  readonly reminderDueAts: readonly string[];
  readonly remindersSent: readonly number[];
  readonly openQuestions: number;

  readonly statusReport: StatusReportClock;

  readonly escalationLevel: 0 | EscalationLevel;
  readonly escalations: readonly {
    readonly level: EscalationLevel;
    readonly reason: EscalationReason;
    readonly at: string;
  }[];

  readonly problemId: string | null;
  readonly workaround: string | null;

  readonly closedAt: string | null;
  readonly closeReason: CloseReason | null;
  readonly closeCode: ClosureCode | null;
  readonly closeReference: string | null;
  readonly reopenCount: number;
  readonly lastActivityAt: string;
}

export type IncidentState = { readonly status: 'none' } | OpenedIncidentState;

export const initialIncidentState: IncidentState = { status: 'none' };

export const isOpened = (state: IncidentState): state is OpenedIncidentState =>
  state.status !== 'none';

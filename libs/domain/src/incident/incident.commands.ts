import type { Command } from '../decider/decider';
import type {
  Channel,
  ClosureCode,
  ClosureReason,
  CustomerSnapshot,
  EscalationReason,
  IncidentKind,
  InformationRequestKind,
  Severity,
} from './incident.model';

export type OpenIncident = Command<
  'OpenIncident',
  {
    readonly incidentId: string;
    /** Allocated by the caller before the append (unique, increasing, gaps allowed). */
    readonly number: string;
    readonly kind: IncidentKind;
    /** Required for an incident; a service request defaults to 4. */
    readonly severity: Severity | null;
    readonly category: string;
    readonly title: string;
    readonly description: string;
    readonly channel: Channel;
    readonly relatedIncidentId: string | null;
    /** The policy version in force now; the incident keeps it for life. */
    readonly policyVersion: string;
    /** The customer as it stands now; null when no such customer is registered. */
    readonly customer: CustomerSnapshot | null;
    readonly source?: Readonly<Record<string, unknown>>;
  }
>;
export type Respond = Command<'Respond', { readonly message: string }>;
export type RequestInformation = Command<
  'RequestInformation',
  { readonly message: string; readonly kind: InformationRequestKind }
>;
export type ReplyAsCustomer = Command<'ReplyAsCustomer', { readonly message: string }>;
export type ChangeSeverity = Command<
  'ChangeSeverity',
  { readonly severity: Severity; readonly reason: string }
>;
export type PostStatusReport = Command<'PostStatusReport', { readonly summary: string }>;
export type RequestStatusReport = Command<'RequestStatusReport', { readonly message: string }>;
export type AgreeStatusReportSchedule = Command<
  'AgreeStatusReportSchedule',
  /** ISO 8601 calendar duration, e.g. `P1D`, `P2D`. */
  { readonly every: string }
>;
export type Escalate = Command<
  'Escalate',
  { readonly reason: EscalationReason; readonly message: string }
>;
export type ProvideWorkaround = Command<'ProvideWorkaround', { readonly workaround: string }>;
export type Resolve = Command<
  'Resolve',
  { readonly resolution: string; readonly workaround: string | null }
>;
export type CloseIncident = Command<
  'CloseIncident',
  {
    readonly reason: ClosureReason;
    readonly code: ClosureCode | null;
    readonly reference: string | null;
    readonly message: string;
  }
>;
export type Reopen = Command<'Reopen', { readonly message: string }>;
export type Classify = Command<'Classify', { readonly category: string }>;
/** Sent by the problem reactor when the problem's stream records the link. */
export type LinkToProblem = Command<
  'LinkToProblem',
  { readonly problemId: string; readonly workaround: string | null }
>;

/** Timer commands: sent when a timer fires; each records nothing unless still due. */
export type CheckResponseSla = Command<'CheckResponseSla', Record<string, never>>;
export type CheckStatusReport = Command<'CheckStatusReport', Record<string, never>>;
export type RemindCustomer = Command<'RemindCustomer', { readonly reminder: number }>;
export type TimeOutCustomerSide = Command<'TimeOutCustomerSide', Record<string, never>>;

export type IncidentCommand =
  | OpenIncident
  | Respond
  | RequestInformation
  | ReplyAsCustomer
  | ChangeSeverity
  | PostStatusReport
  | RequestStatusReport
  | AgreeStatusReportSchedule
  | Escalate
  | ProvideWorkaround
  | Resolve
  | CloseIncident
  | Reopen
  | Classify
  | LinkToProblem
  | CheckResponseSla
  | CheckStatusReport
  | RemindCustomer
  | TimeOutCustomerSide;

import type { Actor } from '../decider/decider';
import type { Calendar } from '../calendar/calendar.model';
import type { Channel, EscalationLevel, Plan, Severity } from '../policy/policy.model';

export type IncidentKind = 'incident' | 'service-request';
export const INCIDENT_KINDS: readonly IncidentKind[] = ['incident', 'service-request'];

export type IncidentStatus = 'new' | 'in-progress' | 'awaiting-customer' | 'closed';
export type Side = 'vendor' | 'customer';
export type ResponseSlaState = 'pending' | 'at-risk' | 'met' | 'breached';
export type InformationRequestKind = 'information' | 'reproduction' | 'remote-access';
export const INFORMATION_REQUEST_KINDS: readonly InformationRequestKind[] = [
  'information',
  'reproduction',
  'remote-access',
];
export type EscalationReason = 'unresolved' | 'dissatisfaction';
export const ESCALATION_REASONS: readonly EscalationReason[] = ['unresolved', 'dissatisfaction'];

export type CloseReason = 'resolved' | 'timeout' | 'out-of-scope' | 'withdrawn' | 'duplicate';
/** Closed by `incident.closed`: the reasons other than resolved and timeout. */
export type ClosureReason = 'out-of-scope' | 'duplicate' | 'withdrawn';
export const CLOSURE_REASONS: readonly ClosureReason[] = ['out-of-scope', 'duplicate', 'withdrawn'];

/** Appendix B "Limitations of the Support Services", plus coverage and the code-change exclusion. */
export type ClosureCode =
  | 'already-resolved'
  | 'similar-to-resolved'
  | 'hardware-malfunction'
  | 'platform-incompatibility'
  | 'third-party-application'
  | 'insufficient-information'
  | 'incorrect-use'
  | 'not-reproducible'
  | 'remote-access-refused'
  | 'cause-beyond-product'
  | 'outside-coverage'
  | 'code-change-or-update';
export const CLOSURE_CODES: readonly ClosureCode[] = [
  'already-resolved',
  'similar-to-resolved',
  'hardware-malfunction',
  'platform-incompatibility',
  'third-party-application',
  'insufficient-information',
  'incorrect-use',
  'not-reproducible',
  'remote-access-refused',
  'cause-beyond-product',
  'outside-coverage',
  'code-change-or-update',
];
/** Codes that must name what they point at (an incident, or for similar-to-resolved a known error too). */
export const CLOSURE_CODES_NEEDING_REFERENCE: readonly ClosureCode[] = [
  'already-resolved',
  'similar-to-resolved',
];

export const incidentStreamId = (incidentId: string): string => `incident-${incidentId}`;

/** Email intake opens incidents in this category; an engineer classifies them later. */
export const UNCLASSIFIED = 'unclassified';

/** A policy duration as written in the policy document and in events: `PT2H` or `{ businessDays: 2 }`. */
export type DurationSpec = string | { readonly businessDays: number };

/** What the decider needs to know about the customer when an incident is opened. */
export interface CustomerSnapshot {
  readonly customerId: string;
  readonly plan: Plan;
  readonly timeZone: string;
  readonly holidays: readonly string[];
  readonly leads: readonly { readonly userId: string; readonly trained: boolean }[];
}

export type { Actor, Calendar, Channel, EscalationLevel, Plan, Severity };

import type { VendorRole } from '../decider/decider';
import type { Calendar, Duration } from '../calendar/calendar.model';

export type Plan = 'essential' | 'enhanced';
export const PLANS: readonly Plan[] = ['essential', 'enhanced'];
export type Channel = 'web' | 'email';
export type Severity = 1 | 2 | 3 | 4;
export const SEVERITIES: readonly Severity[] = [1, 2, 3, 4];
export type EscalationLevel = 1 | 2 | 3;

export interface PlanPolicy {
  readonly channels: readonly Channel[];
  /** Every category the plan covers, its `includes` already folded in. */
  readonly coverage: readonly string[];
  readonly includes: Plan | null;
  readonly responseTargets: Readonly<Record<Severity, Duration>>;
}

export type StatusReportRule =
  /** Severity 1: a cadence agreed with the customer, never below `minInterval`; `default` until agreed. */
  | { readonly kind: 'agreed'; readonly default: Duration; readonly minInterval: Duration }
  /** A fixed cadence. */
  | { readonly kind: 'every'; readonly every: Duration }
  /** Only when the customer asks; due `within` after the request. */
  | { readonly kind: 'on-request'; readonly within: Duration };

export interface Policy {
  readonly program: string;
  readonly version: string;
  readonly calendar: Calendar;
  readonly plans: Readonly<Record<Plan, PlanPolicy>>;
  readonly responseSla: { readonly warnAt: number };
  readonly statusReports: {
    readonly rules: Readonly<Record<Severity, StatusReportRule>>;
    readonly pauseWhileAwaitingCustomer: boolean;
  };
  readonly customerSide: { readonly limit: Duration; readonly reminders: readonly Duration[] };
  readonly reopenWindow: Duration;
  readonly technicalLeads: { readonly leads: number; readonly per: number; readonly max: number };
  readonly escalation: { readonly levels: Readonly<Record<EscalationLevel, VendorRole>> };
}

/** Every policy version the engine has recorded; an incident is judged by the one it was opened under. */
export interface PolicyRegistry {
  readonly current: Policy;
  readonly byVersion: (version: string) => Policy | undefined;
}

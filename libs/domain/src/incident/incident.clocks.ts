import { addDuration, parseDuration, subtractDuration } from '../calendar/business-time';
import type { Calendar, Duration, Pause } from '../calendar/calendar.model';
import type { Plan, Policy, Severity } from '../policy/policy.model';
import type { DurationSpec } from './incident.model';
import type { OpenedIncidentState } from './incident.state';

/**
 * Every deadline of an incident, computed by the one business-time function from the policy
 * version the incident lives under. The decider records the results in events; evolve copies them.
 */

export const toMs = (instant: string): number => Date.parse(instant);
export const toIso = (ms: number): string => new Date(ms).toISOString();
const finiteIso = (ms: number): string | null => (Number.isFinite(ms) ? toIso(ms) : null);

export const toSpec = (duration: Duration): DurationSpec =>
  duration.kind === 'calendar' ? duration.iso : { businessDays: duration.businessDays };

export const fromSpec = (spec: DurationSpec): Duration => parseDuration(spec);

export interface ResponseDeadlines {
  readonly responseTarget: DurationSpec;
  readonly responseDueAt: string;
  readonly responseAtRiskAt: string;
}

/** The response deadline and its at-risk point, always counted from `receivedAt`. */
export const responseDeadlines = (
  policy: Policy,
  calendar: Calendar,
  plan: Plan,
  severity: Severity,
  receivedAt: string,
): ResponseDeadlines => {
  const target = policy.plans[plan].responseTargets[severity];
  const start = toMs(receivedAt);
  return {
    responseTarget: toSpec(target),
    responseDueAt: toIso(addDuration(calendar, start, target)),
    responseAtRiskAt: toIso(
      addDuration(calendar, start, target, { fraction: policy.responseSla.warnAt }),
    ),
  };
};

/** Stays on the customer's side as pauses that begin no earlier than `start`. */
const pausesFrom = (state: OpenedIncidentState, policy: Policy, start: number): Pause[] =>
  policy.statusReports.pauseWhileAwaitingCustomer
    ? state.statusReport.stays.map((stay) => ({
        from: Math.max(start, toMs(stay.from)),
        to: stay.to === null ? null : Math.max(start, toMs(stay.to)),
      }))
    : [];

/**
 * When the next status report is due under the incident's severity rule, or null when none is
 * owed (closed, not yet responded, severity 4 without a request) or the clock is paused.
 */
export const statusReportDueAt = (policy: Policy, state: OpenedIncidentState): string | null => {
  if (state.status === 'closed') return null;
  const rule = policy.statusReports.rules[state.severity];
  const clock = state.statusReport;
  let start: string | null;
  let every: Duration;
  switch (rule.kind) {
    case 'on-request':
      start = clock.requestedAt;
      every = rule.within;
      break;
    case 'every':
      start = clock.anchor;
      every = rule.every;
      break;
    case 'agreed':
      start = clock.anchor;
      every = clock.agreedEvery === null ? rule.default : parseDuration(clock.agreedEvery);
      break;
  }
  if (start === null) return null;
  const from = toMs(start);
  return finiteIso(
    addDuration(state.calendar, from, every, { pauses: pausesFrom(state, policy, from) }),
  );
};

export interface CustomerSideDeadlines {
  readonly customerSideDeadline: string;
  readonly reminderDueAts: readonly string[];
}

/** A fresh stay on the customer's side: its deadline, and the reminders still ahead of `now`. */
export const customerSideDeadlines = (
  policy: Policy,
  calendar: Calendar,
  now: string,
): CustomerSideDeadlines => {
  const start = toMs(now);
  const deadline = addDuration(calendar, start, policy.customerSide.limit);
  const reminders = policy.customerSide.reminders
    .map((offset) => subtractDuration(calendar, deadline, offset))
    .filter((at) => at > start && at < deadline)
    .sort((a, b) => a - b);
  return { customerSideDeadline: toIso(deadline), reminderDueAts: reminders.map(toIso) };
};

/** The instant the reopen window of a closed incident ends (the window is [closedAt, end)). */
export const reopenWindowEnd = (policy: Policy, state: OpenedIncidentState): number =>
  state.closedAt === null
    ? Number.NEGATIVE_INFINITY
    : addDuration(state.calendar, toMs(state.closedAt), policy.reopenWindow);

/** Whether `every` is at least `minimum`, measured from the same start in the incident's calendar. */
export const atLeast = (
  calendar: Calendar,
  from: number,
  every: Duration,
  minimum: Duration,
): boolean => addDuration(calendar, from, every) >= addDuration(calendar, from, minimum);

import type { Plan, Severity } from '@engine/domain';
import type { SlaOutcome } from '../incidents/sla-clock.projection';

/** One ended response clock, as the report reads it. */
export interface EndedClock {
  readonly plan: Plan;
  readonly severity: Severity;
  readonly outcome: SlaOutcome;
  readonly responseTimeMs: number | null;
  readonly outOfScope: boolean;
}

export interface SlaFigures {
  /** Clocks that ended in the period, out-of-scope closures excepted. */
  readonly count: number;
  readonly met: number;
  readonly breached: number;
  /** Closed unanswered before the deadline (withdrawn): neither met nor breached. */
  readonly cancelled: number;
  /** met / (met + breached) x 100, two decimals; null when neither happened. */
  readonly achievementPct: number | null;
  /** Over the clocks that ended with a response. */
  readonly medianResponseMs: number | null;
  readonly p90ResponseMs: number | null;
  /** Clocks of incidents closed out of scope, counted apart from everything above. */
  readonly outOfScope: number;
}

export interface SlaReportLine extends SlaFigures {
  readonly plan: Plan;
  readonly severity: Severity;
}

export interface SlaReport {
  readonly from: string;
  readonly to: string;
  /** One line per plan and severity that had a clock end in the period, plan then severity. */
  readonly items: readonly SlaReportLine[];
  readonly totals: SlaFigures;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Nearest rank: the smallest value with at least `p` % of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function slaFigures(clocks: readonly EndedClock[]): SlaFigures {
  const inScope = clocks.filter((clock) => !clock.outOfScope);
  const met = inScope.filter((clock) => clock.outcome === 'met').length;
  const breached = inScope.filter((clock) => clock.outcome === 'breached').length;
  const times = inScope
    .map((clock) => clock.responseTimeMs)
    .filter((ms): ms is number => ms !== null)
    .sort((a, b) => a - b);
  return {
    count: inScope.length,
    met,
    breached,
    cancelled: inScope.filter((clock) => clock.outcome === 'cancelled').length,
    achievementPct:
      met + breached === 0 ? null : Math.round((met / (met + breached)) * 10_000) / 100,
    medianResponseMs: median(times),
    p90ResponseMs: percentile(times, 90),
    outOfScope: clocks.length - inScope.length,
  };
}

/** The SLA report over the clocks that ended in [from, to). */
export function slaReport(from: string, to: string, clocks: readonly EndedClock[]): SlaReport {
  const groups = new Map<string, EndedClock[]>();
  for (const clock of clocks) {
    const key = `${clock.plan}\u0000${clock.severity}`;
    groups.set(key, [...(groups.get(key) ?? []), clock]);
  }
  const items = [...groups.values()]
    .map((group): SlaReportLine => ({
      plan: group[0].plan,
      severity: group[0].severity,
      ...slaFigures(group),
    }))
    .sort((a, b) => a.plan.localeCompare(b.plan) || a.severity - b.severity);
  return { from, to, items, totals: slaFigures(clocks) };
}

/**
 * An endpoint's current run of failed attempts. It is disabled once it has failed for
 * `failingForMs` (5 days) with failed attempts in at least `minFailedBuckets` distinct hours (12),
 * so neither a short outage nor two lone attempts days apart (the engine was down) disable it.
 */
export interface FailureStreak {
  readonly failingSince: string;
  readonly lastFailureAt: string;
  /** Distinct `bucketMs` windows (hours) in which an attempt failed. */
  readonly failedBuckets: number;
}

export interface DisableRule {
  readonly failingForMs: number;
  readonly minFailedBuckets: number;
  readonly bucketMs: number;
}

export const DEFAULT_DISABLE_RULE: DisableRule = {
  failingForMs: 5 * 24 * 60 * 60 * 1000,
  minFailedBuckets: 12,
  bucketMs: 60 * 60 * 1000,
};

/** The streak after one more failed attempt at `at` (a new streak when there was none). */
export function afterFailure(
  streak: FailureStreak | null,
  at: string,
  rule: DisableRule = DEFAULT_DISABLE_RULE,
): FailureStreak {
  if (streak === null) return { failingSince: at, lastFailureAt: at, failedBuckets: 1 };
  const bucket = (instant: string) => Math.floor(Date.parse(instant) / rule.bucketMs);
  const later = Date.parse(at) > Date.parse(streak.lastFailureAt);
  return {
    failingSince: streak.failingSince,
    lastFailureAt: later ? at : streak.lastFailureAt,
    failedBuckets:
      later && bucket(at) !== bucket(streak.lastFailureAt)
        ? streak.failedBuckets + 1
        : streak.failedBuckets,
  };
}

export const failingTooLong = (
  streak: FailureStreak,
  rule: DisableRule = DEFAULT_DISABLE_RULE,
): boolean =>
  Date.parse(streak.lastFailureAt) - Date.parse(streak.failingSince) >= rule.failingForMs &&
  streak.failedBuckets >= rule.minFailedBuckets;

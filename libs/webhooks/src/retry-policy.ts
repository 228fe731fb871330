/** A receiver's Retry-After is honoured up to this long; longer asks wait this long. */
export const RETRY_AFTER_CAP_MS = 60 * 60 * 1000;
/** Each scheduled delay varies by up to this fraction either way, so retries do not stampede. */
export const RETRY_JITTER = 0.2;

/** What an answer means for the delivery. */
export type AttemptVerdict = 'delivered' | 'gone' | 'throttled' | 'failed';

export const verdictOf = (status: number | null): AttemptVerdict => {
  if (status !== null && status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  if (status === 429 || status === 503) return 'throttled';
  return 'failed';
};

/** `Retry-After` as seconds or an HTTP date, in milliseconds from `nowMs`, capped; null if absent. */
export function retryAfterMs(value: string | null, nowMs: number): number | null {
  if (value === null) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = Math.max(0, at - nowMs);
  }
  return Math.min(ms, RETRY_AFTER_CAP_MS);
}

/**
 * The wait before the next attempt after `attemptsMade` attempts (1 after the first): the
 * schedule's delay for that attempt with jitter, and never less than what the receiver asked
 * with Retry-After. -1 when the schedule has no further attempt.
 */
export function nextAttemptDelayMs(
  schedule: readonly number[],
  attemptsMade: number,
  askedMs: number | null,
  random: () => number = Math.random,
): number {
  if (attemptsMade >= schedule.length) return -1;
  const planned = schedule[attemptsMade];
  const jittered = Math.round(planned * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
  return Math.max(jittered, askedMs ?? 0);
}

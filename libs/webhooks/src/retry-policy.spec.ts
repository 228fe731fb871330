import { loadEngineConfig } from '@engine/platform';
import { afterFailure, failingTooLong, type DisableRule } from './endpoint-health';
import { RETRY_AFTER_CAP_MS, nextAttemptDelayMs, retryAfterMs, verdictOf } from './retry-policy';
import { parseReplayFrom } from './webhook-replay';

const SCHEDULE = [0, 5_000, 300_000, 1_800_000];

describe('retry policy', () => {
  it('reads answers: 2xx delivered, 410 gone, 429/503 throttled, the rest failed', () => {
    expect([200, 204, 299].map(verdictOf)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(verdictOf(410)).toBe('gone');
    expect([429, 503].map(verdictOf)).toEqual(['throttled', 'throttled']);
    expect([301, 302, 400, 404, 500, null].map(verdictOf)).toEqual(Array(6).fill('failed'));
  });

  it('waits the schedule’s next delay, jittered by at most 20 % either way', () => {
    expect(nextAttemptDelayMs(SCHEDULE, 1, null, () => 0)).toBe(4_000);
    expect(nextAttemptDelayMs(SCHEDULE, 1, null, () => 1)).toBe(6_000);
    expect(nextAttemptDelayMs(SCHEDULE, 2, null, () => 0.5)).toBe(300_000);
  });

  it('never retries before the receiver’s Retry-After', () => {
    expect(nextAttemptDelayMs(SCHEDULE, 1, 60_000, () => 1)).toBe(60_000);
    expect(nextAttemptDelayMs(SCHEDULE, 2, 60_000, () => 0)).toBe(240_000);
  });

  it('stops when the schedule has no further attempt', () =>
    expect(nextAttemptDelayMs(SCHEDULE, 4, null)).toBe(-1));

  it('reads Retry-After as seconds or an HTTP date, capped at an hour', () => {
    const now = Date.parse('2026-11-27T16:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs('Fri, 27 Nov 2026 16:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('86400', now)).toBe(RETRY_AFTER_CAP_MS);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe('disabling a failing endpoint', () => {
  const rule: DisableRule = {
    failingForMs: 5 * 86_400_000,
    minFailedBuckets: 12,
    bucketMs: 3_600_000,
  };
  const at = (hours: number) =>
    new Date(Date.parse('2026-11-20T00:00:00Z') + hours * 3_600_000).toISOString();
  const failures = (hours: number[]) =>
    hours.reduce<ReturnType<typeof afterFailure> | null>(
      (streak, h) => afterFailure(streak, at(h), rule),
      null,
    )!;

  it('disables after 5 days of failures in at least 12 distinct hours', () => {
    const hourly = failures(Array.from({ length: 121 }, (_, h) => h));
    expect(failingTooLong(hourly, rule)).toBe(true);
    expect(failingTooLong(failures(Array.from({ length: 119 }, (_, h) => h)), rule)).toBe(false);
  });

  it('does not disable on two lone failures days apart (the engine was down meanwhile)', () =>
    expect(failingTooLong(failures([0, 0.1, 130]), rule)).toBe(false));

  it('counts several failures within one hour once', () => {
    const streak = failures([0, 0.2, 0.4, 0.6, 1.1]);
    expect(streak.failedBuckets).toBe(2);
  });
});

describe('replay start', () => {
  it('is a position (digits) or an RFC 3339 time', () => {
    expect(parseReplayFrom('1042')).toEqual({ kind: 'position', position: 1042n });
    expect(parseReplayFrom('2026-11-27T17:00:00+01:00')).toEqual({
      kind: 'time',
      at: '2026-11-27T16:00:00.000Z',
    });
    for (const bad of ['', '-1', '12a', '2026-11-27', 'yesterday', '2026-13-45T99:00:00Z'])
      expect(parseReplayFrom(bad)).toBeNull();
  });
});

describe('WEBHOOK_RETRY_SCHEDULE', () => {
  const load = (value: string) => loadEngineConfig({ WEBHOOK_RETRY_SCHEDULE: value }, '/srv');

  it('reads delays in ms, s, m and h (a bare number is ms)', () =>
    expect(load('0, 250ms,5s,5m ,2h,100').webhookRetryScheduleMs).toEqual([
      0, 250, 5_000, 300_000, 7_200_000, 100,
    ]));

  it('is the default schedule when blank', () =>
    expect(load(' ').webhookRetryScheduleMs).toEqual([
      0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 504e5, 72e6, 864e5,
    ]));

  it.each(['5x', '1,,2', '-1', '200h', Array(31).fill('1s').join(',')])(
    'stops start-up on %j',
    (value) =>
      expect(() => load(value)).toThrow(/WEBHOOK_RETRY_SCHEDULE: must be 1 to 30 comma-separated/),
  );
});

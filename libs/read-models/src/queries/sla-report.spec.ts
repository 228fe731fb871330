import { median, percentile, slaReport, type EndedClock } from './sla-report';

const clock = (over: Partial<EndedClock>): EndedClock => ({
  plan: 'enhanced',
  severity: 2,
  outcome: 'met',
  responseTimeMs: 1_000,
  outOfScope: false,
  ...over,
});

describe('the SLA report figures', () => {
  it('median: the middle value, or the mean of the two middle ones', () => {
    expect(median([])).toBeNull();
    expect(median([5])).toBe(5);
    expect(median([1, 3, 10])).toBe(3);
    expect(median([1, 3, 10, 20])).toBe(6.5);
  });

  it('p90: nearest rank', () => {
    expect(percentile([], 90)).toBeNull();
    expect(percentile([7], 90)).toBe(7);
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(ten, 90)).toBe(9);
    expect(percentile([...ten, 11], 90)).toBe(10);
  });

  it('groups by plan and severity; achievement is met / (met + breached)', () => {
    const report = slaReport('2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', [
      clock({ responseTimeMs: 600_000 }),
      clock({ responseTimeMs: 1_800_000 }),
      clock({ outcome: 'breached', responseTimeMs: 9_000_000 }),
      clock({ outcome: 'breached', responseTimeMs: null }),
      clock({ outcome: 'cancelled', responseTimeMs: null }),
      clock({ outOfScope: true, responseTimeMs: 60_000 }),
      clock({ plan: 'essential', severity: 1, responseTimeMs: 3_600_000 }),
    ]);
    expect(report.items).toEqual([
      {
        plan: 'enhanced',
        severity: 2,
        count: 5,
        met: 2,
        breached: 2,
        cancelled: 1,
        achievementPct: 50,
        medianResponseMs: 1_800_000,
        p90ResponseMs: 9_000_000,
        outOfScope: 1,
      },
      {
        plan: 'essential',
        severity: 1,
        count: 1,
        met: 1,
        breached: 0,
        cancelled: 0,
        achievementPct: 100,
        medianResponseMs: 3_600_000,
        p90ResponseMs: 3_600_000,
        outOfScope: 0,
      },
    ]);
    expect(report.totals).toMatchObject({ count: 6, met: 3, breached: 2, achievementPct: 60 });
  });

  it('has no achievement when nothing was met or breached', () => {
    const report = slaReport('a', 'b', [clock({ outcome: 'cancelled', responseTimeMs: null })]);
    expect(report.items[0]).toMatchObject({
      count: 1,
      achievementPct: null,
      medianResponseMs: null,
    });
  });
});

import { DateTime } from 'luxon';
import type { Calendar, Duration, Pause } from './calendar.model';
import {
  addBusinessTime,
  addDuration,
  businessDayMs,
  businessTimeBetween,
  calendarWithHolidays,
  parseDuration,
  subtractDuration,
} from './business-time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const calendar = (overrides: Partial<Calendar> = {}): Calendar => ({
  timeZone: 'UTC',
  workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
  workingHours: null,
  holidays: [],
  ...overrides,
});
const utc = calendar();
const berlin = calendar({ timeZone: 'Europe/Berlin' });
const newYork = calendar({ timeZone: 'America/New_York' });
const officeHours = calendar({ workingHours: { start: '09:00', end: '17:00' } });

/** `at('Fri 2026-11-27T16:00')`: local time in the zone (or with an explicit offset); the weekday is checked. */
function at(text: string, zone = 'UTC'): number {
  const [weekday, iso] = text.split(' ');
  const time = DateTime.fromISO(iso, { zone });
  if (!time.isValid || time.toFormat('ccc') !== weekday) throw new Error(`bad test time ${text}`);
  return time.toMillis();
}
/** The instant as the reader wants it: weekday and ISO local time with offset. */
function show(instant: number, zone = 'UTC'): string {
  const time = DateTime.fromMillis(instant, { zone });
  return `${time.toFormat('ccc')} ${time.toISO({ suppressMilliseconds: true })}`;
}
const businessDays = (businessDays: number): Duration => ({ kind: 'business', businessDays });
const due = (cal: Calendar, start: number, duration: Duration | string, pauses: Pause[] = []) =>
  addDuration(cal, start, typeof duration === 'string' ? parseDuration(duration) : duration, {
    pauses,
  });

describe('business days in the default calendar (UTC, Mon-Fri, whole days)', () => {
  it('given an incident opened Fri 16:00, when 2 business days are added, then it is due Tue 16:00', () => {
    expect(show(due(utc, at('Fri 2026-11-27T16:00'), businessDays(2)))).toBe(
      'Tue 2026-12-01T16:00:00Z',
    );
  });

  it('given an incident opened Sat 10:00, when 2 business days are added, then the clock starts Mon 00:00 and it is due Wed 00:00', () => {
    expect(show(due(utc, at('Sat 2026-11-28T10:00'), businessDays(2)))).toBe(
      'Wed 2026-12-02T00:00:00Z',
    );
  });

  it('given a holiday on Thursday, when 2 business days are added from Wed 09:00, then it is due Mon 09:00', () => {
    const thanksgiving = calendar({ holidays: ['2026-11-26'] });
    expect(show(due(thanksgiving, at('Wed 2026-11-25T09:00'), businessDays(2)))).toBe(
      'Mon 2026-11-30T09:00:00Z',
    );
  });

  it('given Thu 00:00, when 2 business days are added, then it is due Sat 00:00 (the end of Friday), not Mon 00:00', () => {
    expect(show(due(utc, at('Thu 2026-12-03T00:00'), businessDays(2)))).toBe(
      'Sat 2026-12-05T00:00:00Z',
    );
  });

  it('given holidays on both sides of a weekend, when 2 business days are added from Thu 12:00, then Fri and Mon are skipped', () => {
    const christmas = calendar({ holidays: ['2026-12-25', '2026-12-28'] });
    expect(show(due(christmas, at('Thu 2026-12-24T12:00'), businessDays(2)))).toBe(
      'Wed 2026-12-30T12:00:00Z',
    );
  });

  it('given a fraction of a business day, when it is added, then it counts that share of the day', () => {
    expect(show(due(utc, at('Fri 2026-11-27T16:00'), businessDays(0.5)))).toBe(
      'Mon 2026-11-30T04:00:00Z',
    );
  });

  it('given zero business time, when it is added, then the deadline is the start itself, even on a weekend', () => {
    expect(show(addBusinessTime(utc, at('Sat 2026-11-28T10:00'), 0))).toBe(
      'Sat 2026-11-28T10:00:00Z',
    );
  });

  it('given a span over a weekend, when business time is measured, then only the working days count', () => {
    expect(businessTimeBetween(utc, at('Fri 2026-11-27T16:00'), at('Tue 2026-12-01T16:00'))).toBe(
      2 * DAY,
    );
    expect(businessTimeBetween(utc, at('Tue 2026-12-01T16:00'), at('Fri 2026-11-27T16:00'))).toBe(
      0,
    );
  });
});

describe('working hours 09:00-17:00', () => {
  it('given the calendar, then one business day is 8 hours', () => {
    expect(businessDayMs(officeHours)).toBe(8 * HOUR);
    expect(businessDayMs(utc)).toBe(24 * HOUR);
  });

  it('given a start before opening, when 1 business day is added, then it is due 17:00 the same day, not 09:00 the next', () => {
    expect(show(due(officeHours, at('Mon 2026-11-30T07:00'), businessDays(1)))).toBe(
      'Mon 2026-11-30T17:00:00Z',
    );
  });

  it('given a start after closing, when 4 hours are added, then the clock starts at the next opening', () => {
    expect(show(addBusinessTime(officeHours, at('Mon 2026-11-30T18:00'), 4 * HOUR))).toBe(
      'Tue 2026-12-01T13:00:00Z',
    );
  });

  it('given Fri 16:00, when 2 business days are added, then it is due Tue 16:00', () => {
    expect(show(due(officeHours, at('Fri 2026-11-27T16:00'), businessDays(2)))).toBe(
      'Tue 2026-12-01T16:00:00Z',
    );
  });
});

describe('daylight saving time', () => {
  const cases = [
    ['Europe/Berlin spring', berlin, 'Fri 2026-03-27T16:00', 'Tue 2026-03-31T16:00:00+02:00'],
    ['Europe/Berlin autumn', berlin, 'Fri 2026-10-23T16:00', 'Tue 2026-10-27T16:00:00+01:00'],
    ['America/New_York spring', newYork, 'Fri 2026-03-06T16:00', 'Tue 2026-03-10T16:00:00-04:00'],
    ['America/New_York autumn', newYork, 'Fri 2026-10-30T16:00', 'Tue 2026-11-03T16:00:00-05:00'],
  ] as const;

  it.each(cases)(
    'given %s, when 2 business days are added to Fri 16:00, then it is due Tue 16:00 local',
    (_, cal, start, expected) => {
      expect(show(due(cal, at(start, cal.timeZone), businessDays(2)), cal.timeZone)).toBe(expected);
    },
  );

  it.each([
    ['Europe/Berlin', 'Fri 2026-03-27T16:00', 'Fri 2026-04-03T16:00:00+02:00'],
    ['Europe/Berlin', 'Fri 2026-10-23T16:00', 'Fri 2026-10-30T16:00:00+01:00'],
    ['America/New_York', 'Fri 2026-03-06T16:00', 'Fri 2026-03-13T16:00:00-04:00'],
    ['America/New_York', 'Fri 2026-10-30T16:00', 'Fri 2026-11-06T16:00:00-05:00'],
  ])(
    'given %s, when P7D is added to %s, then it is due the same local time a week later',
    (zone, start, expected) => {
      const cal = calendar({ timeZone: zone });
      expect(show(due(cal, at(start, zone), 'P7D'), zone)).toBe(expected);
    },
  );

  it.each([
    ['Europe/Berlin', 'Sat 2026-03-28T20:00', 'Sun 2026-03-29T09:00:00+02:00'],
    ['Europe/Berlin', 'Sat 2026-10-24T20:00', 'Sun 2026-10-25T07:00:00+01:00'],
    ['America/New_York', 'Sat 2026-03-07T20:00', 'Sun 2026-03-08T09:00:00-04:00'],
    ['America/New_York', 'Sat 2026-10-31T20:00', 'Sun 2026-11-01T07:00:00-05:00'],
  ])(
    'given %s, when PT12H is added to %s, then exactly 12 hours elapse',
    (zone, start, expected) => {
      const cal = calendar({ timeZone: zone });
      const startAt = at(start, zone);
      const deadline = due(cal, startAt, 'PT12H');
      expect(show(deadline, zone)).toBe(expected);
      expect(deadline - startAt).toBe(12 * HOUR);
    },
  );

  describe('given a calendar working every day of the week', () => {
    const everyDay = calendar({
      timeZone: 'Europe/Berlin',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
    });

    it('then the 23-hour spring-forward Sunday counts as one whole business day', () => {
      const start = at('Sat 2026-03-28T16:00', 'Europe/Berlin');
      const deadline = due(everyDay, start, businessDays(2));
      expect(show(deadline, 'Europe/Berlin')).toBe('Mon 2026-03-30T16:00:00+02:00');
      expect(deadline - start).toBe(47 * HOUR);
      const sunday = [
        at('Sun 2026-03-29T00:00', 'Europe/Berlin'),
        at('Mon 2026-03-30T00:00', 'Europe/Berlin'),
      ];
      expect(businessTimeBetween(everyDay, sunday[0], sunday[1])).toBe(DAY);
    });

    it('then the 25-hour fall-back Sunday counts as one whole business day, the repeated hour once', () => {
      const start = at('Sat 2026-10-24T16:00', 'Europe/Berlin');
      const deadline = due(everyDay, start, businessDays(2));
      expect(show(deadline, 'Europe/Berlin')).toBe('Mon 2026-10-26T16:00:00+01:00');
      expect(deadline - start).toBe(49 * HOUR);
      const firstPass = at('Sun 2026-10-25T02:00+02:00', 'Europe/Berlin');
      const secondPassEnd = at('Sun 2026-10-25T03:00+01:00', 'Europe/Berlin');
      expect(businessTimeBetween(everyDay, firstPass, secondPassEnd)).toBe(HOUR);
      expect(show(addBusinessTime(everyDay, firstPass, HOUR / 2), 'Europe/Berlin')).toBe(
        'Sun 2026-10-25T02:30:00+02:00',
      );
    });

    it('then a deadline falling in the skipped hour is the instant the clock jumps (03:00), the one case measuring back gives more', () => {
      const start = at('Sun 2026-03-29T01:30', 'Europe/Berlin');
      const deadline = addBusinessTime(everyDay, start, HOUR);
      expect(show(deadline, 'Europe/Berlin')).toBe('Sun 2026-03-29T03:00:00+02:00');
      expect(businessTimeBetween(everyDay, start, deadline)).toBe(1.5 * HOUR);
    });
  });
});

describe('pauses', () => {
  const start = at('Mon 2026-11-30T10:00');

  it('given a pause that starts and ends outside working hours, when 1 business day is added, then the deadline does not move', () => {
    const pause = { from: at('Mon 2026-11-30T18:00'), to: at('Tue 2026-12-01T08:00') };
    expect(show(due(officeHours, start, businessDays(1), [pause]))).toBe(
      'Tue 2026-12-01T10:00:00Z',
    );
  });

  it('given a pause from 16:00 to 08:00 the next morning, then only its working hour is added', () => {
    const pause = { from: at('Mon 2026-11-30T16:00'), to: at('Tue 2026-12-01T08:00') };
    expect(show(due(officeHours, start, businessDays(1), [pause]))).toBe(
      'Tue 2026-12-01T11:00:00Z',
    );
    expect(businessTimeBetween(officeHours, start, at('Tue 2026-12-01T11:00'), [pause])).toBe(
      8 * HOUR,
    );
  });

  it('given a pause over a weekend, when business days are added, then nothing changes', () => {
    const pause = { from: at('Sat 2026-11-28T00:00'), to: at('Mon 2026-11-30T00:00') };
    expect(show(due(utc, at('Fri 2026-11-27T16:00'), businessDays(2), [pause]))).toBe(
      'Tue 2026-12-01T16:00:00Z',
    );
  });

  it('given a calendar duration, when a pause overlaps it, then the deadline moves by the overlap', () => {
    const pauses = [
      { from: at('Mon 2026-11-30T09:00'), to: at('Mon 2026-11-30T10:30') }, // started before the start
      { from: at('Mon 2026-11-30T11:00'), to: at('Mon 2026-11-30T11:30') },
    ];
    expect(show(due(utc, start, 'PT2H', pauses))).toBe('Mon 2026-11-30T13:00:00Z');
  });

  it('given a pause starting exactly at the deadline, then the deadline does not move', () => {
    const pause = { from: at('Mon 2026-11-30T12:00'), to: at('Mon 2026-11-30T15:00') };
    expect(show(due(utc, start, 'PT2H', [pause]))).toBe('Mon 2026-11-30T12:00:00Z');
  });

  it('given an open pause before the time runs out, then the deadline is Infinity', () => {
    const open = { from: at('Mon 2026-11-30T11:00'), to: null };
    expect(due(utc, start, 'PT2H', [open])).toBe(Infinity);
    expect(due(utc, start, businessDays(1), [open])).toBe(Infinity);
  });

  it('given an open pause after the deadline, then the deadline stands', () => {
    const open = { from: at('Mon 2026-11-30T13:00'), to: null };
    expect(show(due(utc, start, 'PT2H', [open]))).toBe('Mon 2026-11-30T12:00:00Z');
  });

  it('given a pause that ends before it starts, then it is refused', () => {
    expect(() => due(utc, start, 'PT2H', [{ from: start, to: start - 1 }])).toThrow(RangeError);
  });
});

describe('a fraction of the target (at-risk at 75%)', () => {
  it('given PT2H, then 75% elapses after 1h30', () => {
    const deadline = addDuration(utc, at('Mon 2026-11-30T10:00'), parseDuration('PT2H'), {
      fraction: 0.75,
    });
    expect(show(deadline)).toBe('Mon 2026-11-30T11:30:00Z');
  });

  it('given 2 business days from Fri 16:00, then 75% (36 business hours) runs out Tue 04:00', () => {
    const deadline = addDuration(utc, at('Fri 2026-11-27T16:00'), businessDays(2), {
      fraction: 0.75,
    });
    expect(show(deadline)).toBe('Tue 2026-12-01T04:00:00Z');
  });

  it('given P7D across the Berlin spring change (167 real hours), then 75% is 125h15m of elapsed time', () => {
    const start = at('Fri 2026-03-27T16:00', 'Europe/Berlin');
    const deadline = addDuration(berlin, start, parseDuration('P7D'), { fraction: 0.75 });
    expect(deadline - start).toBe(0.75 * 167 * HOUR);
  });

  it('given a pause, then the fraction is taken of the unpaused target and the pause is added', () => {
    const pause = { from: at('Mon 2026-11-30T10:30'), to: at('Mon 2026-11-30T11:00') };
    const deadline = addDuration(utc, at('Mon 2026-11-30T10:00'), parseDuration('PT2H'), {
      fraction: 0.75,
      pauses: [pause],
    });
    expect(show(deadline)).toBe('Mon 2026-11-30T12:00:00Z');
  });
});

describe('subtractDuration (a reminder before a deadline)', () => {
  it('given a deadline, when P2D is subtracted, then it is the same local time two days earlier, across DST', () => {
    expect(show(subtractDuration(utc, at('Mon 2026-12-07T10:00'), parseDuration('P2D')))).toBe(
      'Sat 2026-12-05T10:00:00Z',
    );
    const deadline = at('Tue 2026-03-31T10:00', 'Europe/Berlin');
    expect(show(subtractDuration(berlin, deadline, parseDuration('P2D')), 'Europe/Berlin')).toBe(
      'Sun 2026-03-29T10:00:00+02:00',
    );
  });

  it('given PT12H, then exactly 12 hours earlier', () => {
    expect(show(subtractDuration(utc, at('Mon 2026-12-07T10:00'), parseDuration('PT12H')))).toBe(
      'Sun 2026-12-06T22:00:00Z',
    );
  });

  it('given a deadline Tue 16:00, when 2 business days are subtracted, then the reminder is Fri 16:00', () => {
    expect(show(subtractDuration(utc, at('Tue 2026-12-01T16:00'), businessDays(2)))).toBe(
      'Fri 2026-11-27T16:00:00Z',
    );
  });

  it('given a deadline Wed 00:00, when 2 business days are subtracted, then it is Mon 00:00 (the latest such instant)', () => {
    expect(show(subtractDuration(utc, at('Wed 2026-12-02T00:00'), businessDays(2)))).toBe(
      'Mon 2026-11-30T00:00:00Z',
    );
  });

  it('given office hours and a deadline at 17:00, when 1 business day is subtracted, then it is 09:00 the same day', () => {
    expect(show(subtractDuration(officeHours, at('Wed 2026-12-02T17:00'), businessDays(1)))).toBe(
      'Wed 2026-12-02T09:00:00Z',
    );
  });
});

describe('calendarWithHolidays', () => {
  it("given a customer's holidays, then they are added to the policy's, deduplicated and sorted", () => {
    const policy = calendar({ holidays: ['2026-12-25', '2026-01-01'] });
    expect(calendarWithHolidays(policy, ['2026-12-24', '2026-12-25']).holidays).toEqual([
      '2026-01-01',
      '2026-12-24',
      '2026-12-25',
    ]);
  });

  it('given an invalid date, then it is refused', () => {
    expect(() => calendarWithHolidays(utc, ['2026-02-30'])).toThrow('invalid holiday "2026-02-30"');
  });
});

describe('parseDuration', () => {
  it.each([
    ['PT30M', 0, 30 * 60_000],
    ['PT2H', 0, 2 * HOUR],
    ['PT12H', 0, 12 * HOUR],
    ['PT3S', 0, 3000],
    ['P7D', 7, 0],
    ['P2W', 14, 0],
    ['P1DT2H', 1, 2 * HOUR],
    ['PT1.5H', 0, 1.5 * HOUR],
  ])('given %s, then it is %d local days and %d exact ms', (iso, days, ms) => {
    expect(parseDuration(iso)).toEqual({ kind: 'calendar', iso, days, ms });
  });

  it('given { businessDays: 2.5 }, then it is business time', () => {
    expect(parseDuration({ businessDays: 2.5 })).toEqual({ kind: 'business', businessDays: 2.5 });
  });

  it.each([
    ['2 days', 'invalid duration "2 days" (ISO 8601 like PT2H or P7D, or { businessDays: N })'],
    ['P', 'invalid duration "P" (ISO 8601'],
    ['PT', 'invalid duration "PT" (ISO 8601'],
    ['P1DT', 'invalid duration "P1DT" (ISO 8601'],
    ['pt2h', 'invalid duration "pt2h" (ISO 8601'],
    ['P1.5D', 'invalid duration "P1.5D" (ISO 8601'],
    ['P1Y', 'invalid duration "P1Y": years and months are not supported'],
    ['P1M', 'invalid duration "P1M": years and months are not supported'],
    ['PT0S', 'invalid duration "PT0S": must be longer than zero'],
    ['P99999D', 'invalid duration "P99999D": must not exceed 10 years'],
  ])('given %s, then it is refused', (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });

  it('given PT1M (minutes, not months), then it is accepted', () => {
    expect(parseDuration('PT1M')).toMatchObject({ ms: 60_000 });
  });

  it.each([{ businessDays: 0 }, { businessDays: -1 }, { businessDays: Number.NaN }])(
    'given %o, then it is refused',
    (value) => {
      expect(() => parseDuration(value)).toThrow('businessDays must be a number greater than 0');
    },
  );

  it('given an object with other keys, then it is refused', () => {
    const value = { businessDays: 2, hours: 3 } as unknown as { businessDays: number };
    expect(() => parseDuration(value)).toThrow(
      'invalid duration {"businessDays":2,"hours":3} (ISO 8601',
    );
  });
});

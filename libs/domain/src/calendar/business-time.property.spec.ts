import fc from 'fast-check';
import { DateTime } from 'luxon';
import { WEEKDAYS, type Calendar, type Pause } from './calendar.model';
import {
  addBusinessTime,
  addDuration,
  businessDayMs,
  businessTimeBetween,
  parseDuration,
  subtractDuration,
} from './business-time';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const FROM = Date.UTC(2020, 0, 1);
const TO = Date.UTC(2030, 0, 1);

const offsetAt = (zone: string, instant: number) => DateTime.fromMillis(instant, { zone }).offset;

/** The offset changes of a zone in 2026 (to the hour), where deadlines are most likely to go wrong. */
function offsetChanges(zone: string): number[] {
  const changes: number[] = [];
  for (let instant = Date.UTC(2026, 0, 1); instant < Date.UTC(2027, 0, 1); instant += HOUR) {
    if (offsetAt(zone, instant) !== offsetAt(zone, instant + HOUR)) changes.push(instant);
  }
  return changes;
}
const CHANGES = new Map(ZONES.map((zone) => [zone, offsetChanges(zone)]));

/** The instant the clock jumps forward (its wall time skipped an interval). */
const isSpringForward = (zone: string, instant: number) =>
  offsetAt(zone, instant - 1) < offsetAt(zone, instant);

const slot = (half: number) =>
  `${String(Math.floor(half / 2)).padStart(2, '0')}:${half % 2 === 0 ? '00' : '30'}`;

const workingHours = fc.option(
  fc
    .tuple(fc.integer({ min: 0, max: 47 }), fc.integer({ min: 1, max: 48 }))
    .filter(([open, close]) => open < close)
    .map(([open, close]) => ({ start: slot(open), end: slot(close) })),
  { nil: null },
);

const startIn = (zone: string) => {
  const changes = CHANGES.get(zone) ?? [];
  const uniform = fc.integer({ min: FROM, max: TO });
  if (changes.length === 0) return uniform;
  const nearChange = fc
    .tuple(fc.constantFrom(...changes), fc.integer({ min: -4 * DAY, max: DAY }))
    .map(([change, shift]) => change + shift);
  return fc.oneof(uniform, nearChange);
};

/** A random calendar, a start, and holidays within the 40 local days after the start. */
const scenario = fc.constantFrom(...ZONES).chain((timeZone) =>
  fc
    .record({
      start: startIn(timeZone),
      workingDays: fc.subarray([...WEEKDAYS], { minLength: 1 }),
      workingHours,
      holidayOffsets: fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 6 }),
    })
    .map(({ start, workingDays, workingHours, holidayOffsets }) => {
      const local = DateTime.fromMillis(start, { zone: timeZone });
      const holidays = holidayOffsets.map((days) => local.plus({ days }).toISODate() ?? '');
      const calendar: Calendar = { timeZone, workingDays, workingHours, holidays };
      return { calendar, start };
    }),
);

/** Up to 10 working days of business time, often exactly whole days (the window-close edge). */
const amountFor = (calendar: Calendar) => {
  const day = businessDayMs(calendar);
  return fc.oneof(
    fc.integer({ min: 0, max: 10 * day }),
    fc.integer({ min: 0, max: 10 }).map((days) => days * day),
    fc.integer({ min: 0, max: 2 * HOUR }),
  );
};

const pausesFrom = (start: number): fc.Arbitrary<Pause[]> =>
  fc.array(
    fc
      .tuple(fc.integer({ min: -DAY, max: 20 * DAY }), fc.integer({ min: 0, max: 3 * DAY }))
      .map(([offset, length]) => ({ from: start + offset, to: start + offset + length })),
    { maxLength: 3 },
  );

const withAmount = scenario.chain((s) =>
  fc
    .record({ amount: amountFor(s.calendar), pauses: pausesFrom(s.start) })
    .map((r) => ({ ...s, ...r })),
);

// More runs on demand: PROPERTY_RUNS=20000 npx jest business-time.property
const RUNS = { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) };

describe('business time, for random calendars, starts and amounts', () => {
  it('(a) adding business time then measuring it back gives the same amount', () => {
    fc.assert(
      fc.property(withAmount, ({ calendar, start, amount, pauses }) => {
        const deadline = addBusinessTime(calendar, start, amount, pauses);
        const measured = businessTimeBetween(calendar, start, deadline, pauses);
        if (isSpringForward(calendar.timeZone, deadline)) {
          // The deadline's wall time was skipped: it is the jump, and measuring back includes the gap.
          expect(measured).toBeGreaterThanOrEqual(amount);
          expect(measured - amount).toBeLessThanOrEqual(HOUR);
        } else {
          expect(measured).toBe(amount);
        }
        if (deadline > start) {
          expect(businessTimeBetween(calendar, start, deadline - 1, pauses)).toBeLessThan(amount);
        }
      }),
      RUNS,
    );
  });

  it('(b) a deadline never lies before its start', () => {
    fc.assert(
      fc.property(withAmount, ({ calendar, start, amount, pauses }) => {
        expect(addBusinessTime(calendar, start, amount, pauses)).toBeGreaterThanOrEqual(start);
      }),
      RUNS,
    );
  });

  it('(c) more business time never gives an earlier deadline', () => {
    const twoAmounts = scenario.chain((s) =>
      fc
        .tuple(amountFor(s.calendar), amountFor(s.calendar), pausesFrom(s.start))
        .map(([a, b, pauses]) => ({
          ...s,
          smaller: Math.min(a, b),
          larger: Math.max(a, b),
          pauses,
        })),
    );
    fc.assert(
      fc.property(twoAmounts, ({ calendar, start, smaller, larger, pauses }) => {
        expect(addBusinessTime(calendar, start, larger, pauses)).toBeGreaterThanOrEqual(
          addBusinessTime(calendar, start, smaller, pauses),
        );
      }),
      RUNS,
    );
  });

  it('(d) pauses never make a deadline earlier, for business and calendar durations', () => {
    const calendarDuration = fc.constantFrom('PT30M', 'PT2H', 'PT12H', 'P1D', 'P7D', 'P1DT2H');
    fc.assert(
      fc.property(withAmount, calendarDuration, ({ calendar, start, amount, pauses }, iso) => {
        expect(addBusinessTime(calendar, start, amount, pauses)).toBeGreaterThanOrEqual(
          addBusinessTime(calendar, start, amount),
        );
        const duration = parseDuration(iso);
        expect(addDuration(calendar, start, duration, { pauses })).toBeGreaterThanOrEqual(
          addDuration(calendar, start, duration),
        );
      }),
      RUNS,
    );
  });

  it('(e) business time over a span is the sum over its two parts', () => {
    const split = withAmount.chain((s) =>
      fc
        .tuple(fc.integer({ min: 0, max: 15 * DAY }), fc.integer({ min: 0, max: 15 * DAY }))
        .map(([a, b]) => ({
          ...s,
          middle: s.start + Math.min(a, b),
          end: s.start + Math.max(a, b),
        })),
    );
    fc.assert(
      fc.property(split, ({ calendar, start, middle, end, pauses }) => {
        expect(
          businessTimeBetween(calendar, start, middle, pauses) +
            businessTimeBetween(calendar, middle, end, pauses),
        ).toBe(businessTimeBetween(calendar, start, end, pauses));
      }),
      RUNS,
    );
  });

  it('(f) subtracting whole business days from a deadline, then adding them again, gives the deadline', () => {
    const days = scenario.chain((s) => fc.integer({ min: 1, max: 5 }).map((n) => ({ ...s, n })));
    fc.assert(
      fc.property(days, ({ calendar, start, n }) => {
        const duration = parseDuration({ businessDays: n });
        const deadline = addDuration(calendar, start, duration);
        const reminder = subtractDuration(calendar, deadline, duration);
        fc.pre(
          !isSpringForward(calendar.timeZone, deadline) &&
            !isSpringForward(calendar.timeZone, reminder),
        );
        expect(reminder).toBeLessThan(deadline);
        expect(addDuration(calendar, reminder, duration)).toBe(deadline);
      }),
      RUNS,
    );
  });
});

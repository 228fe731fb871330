import { assertNever } from '../decider/decider';
import type { Calendar, Duration, Pause } from './calendar.model';
import { addElapsed, assertAmount, assertInstant, runningSpans } from './pause-spans';
import { wallClock, type WallClock } from './wall-clock';
import {
  DAY_MS,
  advance,
  parseIsoDate,
  retreat,
  workingWindows,
  type WorkingWindows,
} from './working-windows';

/** How a policy document writes a duration. */
export type DurationInput = string | { readonly businessDays: number };

const EXPECTED = '(ISO 8601 like PT2H or P7D, or { businessDays: N })';
const NUMBER = '(\\d+(?:\\.\\d+)?)';
const ISO_DURATION = new RegExp(
  `^P(?!$)(?:(\\d+)W)?(?:(\\d+)D)?(?:T(?=\\d)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
const YEARS_OR_MONTHS = /^P[^T]*[YM]/;
const MAX_DAYS = 3650;

/**
 * A policy duration: an ISO 8601 string is calendar time (weeks and days are local days, hours,
 * minutes and seconds exact time); `{ businessDays: N }` is business time. Throws an Error whose
 * message says what is wrong, for the policy loader to put next to the field.
 */
export function parseDuration(value: DurationInput): Duration {
  const input: unknown = value;
  if (typeof input === 'string') return parseIso(input);
  if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    const keys = Object.keys(input);
    if (keys.length === 1 && keys[0] === 'businessDays') {
      return parseBusinessDays((input as { businessDays: unknown }).businessDays, input);
    }
  }
  throw invalid(input);
}

function parseIso(text: string): Duration {
  if (YEARS_OR_MONTHS.test(text)) {
    throw invalid(
      text,
      'years and months are not supported (their length varies): use weeks or days',
    );
  }
  const match = ISO_DURATION.exec(text);
  if (!match) throw invalid(text);
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const exact = hours * 3_600_000 + minutes * 60_000 + seconds * 1000;
  const ms = Math.round(exact);
  if (Math.abs(exact - ms) > 1e-6) throw invalid(text, 'the smallest unit is a millisecond');
  const totalDays = weeks * 7 + days;
  if (totalDays === 0 && ms === 0) throw invalid(text, 'must be longer than zero');
  if (totalDays * DAY_MS + ms > MAX_DAYS * DAY_MS) throw invalid(text, 'must not exceed 10 years');
  return { kind: 'calendar', iso: text, days: totalDays, ms };
}

function parseBusinessDays(businessDays: unknown, input: unknown): Duration {
  if (typeof businessDays !== 'number' || !Number.isFinite(businessDays) || businessDays <= 0) {
    throw invalid(input, 'businessDays must be a number greater than 0');
  }
  if (businessDays > MAX_DAYS) throw invalid(input, `businessDays must not exceed ${MAX_DAYS}`);
  return { kind: 'business', businessDays };
}

function invalid(value: unknown, reason?: string): Error {
  const shown = JSON.stringify(value) ?? String(value);
  return new Error(
    reason ? `invalid duration ${shown}: ${reason}` : `invalid duration ${shown} ${EXPECTED}`,
  );
}

export interface AddDurationOptions {
  /** Spans during which the clock stands still. */
  readonly pauses?: readonly Pause[];
  /** The share of the duration to count (0.75: when 75% of the target has elapsed); default 1. */
  readonly fraction?: number;
}

interface CompiledCalendar {
  readonly clock: WallClock;
  readonly windows: WorkingWindows;
}

// Calendars are immutable values, so their compiled form can be kept as long as they live.
const compiled = new WeakMap<Calendar, CompiledCalendar>();

function compile(calendar: Calendar): CompiledCalendar {
  let entry = compiled.get(calendar);
  if (!entry) {
    entry = { clock: wallClock(calendar.timeZone), windows: workingWindows(calendar) };
    compiled.set(calendar, entry);
  }
  return entry;
}

/** Wall-clock length of one working day: 24 hours without working hours, else close minus open. */
export function businessDayMs(calendar: Calendar): number {
  const { open, close } = compile(calendar).windows;
  return close - open;
}

/**
 * The instant at which `businessMs` of business time, counted from `start`, runs out: the
 * earliest instant with that much business time behind it, so possibly the very close of a
 * working window. Infinity when an open pause stops the clock first.
 */
export function addBusinessTime(
  calendar: Calendar,
  start: number,
  businessMs: number,
  pauses: readonly Pause[] = [],
): number {
  assertInstant(start, 'start');
  assertAmount(businessMs, 'businessMs');
  if (!Number.isInteger(businessMs)) throw new RangeError(`businessMs must be whole milliseconds`);
  if (businessMs === 0) return start;
  const { clock, windows } = compile(calendar);
  let used = 0;
  for (const [from, to] of runningSpans(start, pauses)) {
    const limit = to === Infinity ? Infinity : clock.toWall(to);
    const step = advance(windows, clock.toWall(from), businessMs - used, limit);
    if ('reached' in step) return clock.toInstant(step.reached);
    used += step.used;
  }
  return Infinity;
}

/** Business time in [from, to), pauses left out; 0 when `to` is not after `from`. */
export function businessTimeBetween(
  calendar: Calendar,
  from: number,
  to: number,
  pauses: readonly Pause[] = [],
): number {
  assertInstant(from, 'from');
  assertInstant(to, 'to');
  if (to <= from) return 0;
  const { clock, windows } = compile(calendar);
  let total = 0;
  for (const [spanFrom, spanTo] of runningSpans(from, pauses)) {
    if (spanFrom >= to) break;
    const step = advance(
      windows,
      clock.toWall(spanFrom),
      Infinity,
      clock.toWall(Math.min(spanTo, to)),
    );
    if ('used' in step) total += step.used;
  }
  return total;
}

/**
 * THE deadline function: where `duration` (or its `fraction`) counted from `start` runs out,
 * the clock standing still during `pauses`. Business durations count working time; calendar
 * durations count elapsed time, their days being local days of the calendar's zone.
 */
export function addDuration(
  calendar: Calendar,
  start: number,
  duration: Duration,
  options: AddDurationOptions = {},
): number {
  assertInstant(start, 'start');
  const { pauses = [], fraction = 1 } = options;
  assertAmount(fraction, 'fraction');
  switch (duration.kind) {
    case 'business': {
      const amount = Math.round(fraction * duration.businessDays * businessDayMs(calendar));
      return addBusinessTime(calendar, start, amount, pauses);
    }
    case 'calendar': {
      const unpaused = plusLocalDays(calendar, start, duration.days) + duration.ms - start;
      return addElapsed(start, Math.round(fraction * unpaused), pauses);
    }
    default:
      return assertNever(duration);
  }
}

/** The instant lying `duration` before `instant` (no pauses): a reminder ahead of a deadline. */
export function subtractDuration(calendar: Calendar, instant: number, duration: Duration): number {
  assertInstant(instant, 'instant');
  switch (duration.kind) {
    case 'business': {
      const amount = Math.round(duration.businessDays * businessDayMs(calendar));
      if (amount === 0) return instant;
      const { clock, windows } = compile(calendar);
      return clock.toInstant(retreat(windows, clock.toWall(instant), amount));
    }
    case 'calendar':
      // The mirror of addDuration: exact time first, then local days.
      return plusLocalDays(calendar, instant - duration.ms, -duration.days);
    default:
      return assertNever(duration);
  }
}

/** The calendar with a customer's holidays added to its own (deduplicated, in date order). */
export function calendarWithHolidays(
  calendar: Calendar,
  extraHolidays: readonly string[],
): Calendar {
  for (const holiday of extraHolidays) {
    if (parseIsoDate(holiday) === undefined) {
      throw new Error(`invalid holiday "${holiday}" (ISO date like 2026-12-25)`);
    }
  }
  const holidays = [...new Set([...calendar.holidays, ...extraHolidays])].sort();
  return { ...calendar, holidays };
}

/** Same local time `days` local days later (earlier if negative), whatever DST does in between. */
function plusLocalDays(calendar: Calendar, instant: number, days: number): number {
  if (days === 0) return instant;
  const { clock } = compile(calendar);
  return clock.fromLocalTime(clock.localTime(instant) + days * DAY_MS);
}

import { WEEKDAYS, type Calendar } from './calendar.model';

export const DAY_MS = 86_400_000;
/** How far any count of business time may reach: beyond it the calendar is refused as broken. */
const MAX_DAYS = 3653;

/**
 * The working windows of a calendar on its wall clock (see `WallClock`): on each working local
 * day that is not a holiday, [open, close) of that day. Weekdays, holidays and hours are all
 * local, so a window never moves with the UTC offset.
 */
export interface WorkingWindows {
  /** Milliseconds after local midnight. */
  readonly open: number;
  readonly close: number;
  /** `day` counts local days since 1970-01-01 (wall time / DAY_MS). */
  readonly isWorkingDay: (day: number) => boolean;
}

export type Advance = { readonly reached: number } | { readonly used: number };

const WALL_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `HH:mm` as milliseconds after midnight; `24:00` only where an end of day is meant. */
export function parseWallTime(text: string, allowEndOfDay: boolean): number | undefined {
  if (allowEndOfDay && text === '24:00') return DAY_MS;
  const match = WALL_TIME.exec(text);
  return match ? (Number(match[1]) * 60 + Number(match[2])) * 60_000 : undefined;
}

/** An ISO date (`2026-12-25`) as a local day number, undefined unless it is a real date. */
export function parseIsoDate(text: string): number | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? date.getTime() / DAY_MS : undefined;
}

export function workingWindows(calendar: Calendar): WorkingWindows {
  const hours = calendar.workingHours;
  const open = hours ? parseWallTime(hours.start, false) : 0;
  const close = hours ? parseWallTime(hours.end, true) : DAY_MS;
  if (open === undefined || close === undefined || open >= close) {
    throw new Error(`invalid working hours ${JSON.stringify(hours)} (HH:mm, start before end)`);
  }
  if (calendar.workingDays.length === 0)
    throw new Error('a calendar needs at least one working day');
  // Indexed like Date#getUTCDay: 0 is Sunday.
  const weekdays = WEEKDAYS.map((_, index) => WEEKDAYS[(index + 6) % 7]);
  const working = weekdays.map((weekday) => calendar.workingDays.includes(weekday));
  const holidays = new Set(
    calendar.holidays.map((holiday) => {
      const day = parseIsoDate(holiday);
      if (day === undefined)
        throw new Error(`invalid holiday "${holiday}" (ISO date like 2026-12-25)`);
      return day;
    }),
  );
  return {
    open,
    close,
    // 1970-01-01, day 0, was a Thursday.
    isWorkingDay: (day) => working[(((day + 4) % 7) + 7) % 7] && !holidays.has(day),
  };
}

/**
 * Walks forward from wall time `from` through working windows, never past `limit`: where
 * `amount` (> 0) of working time runs out (possibly exactly at a window's close), or how much
 * was used before `limit`. With `amount` Infinity it measures working time in [from, limit).
 */
export function advance(
  windows: WorkingWindows,
  from: number,
  amount: number,
  limit: number,
): Advance {
  const { open, close, isWorkingDay } = windows;
  const firstDay = Math.floor(from / DAY_MS);
  let used = 0;
  for (let day = firstDay; day * DAY_MS < limit; day++) {
    if (day - firstDay > MAX_DAYS) throw tooFar();
    if (!isWorkingDay(day)) continue;
    const begin = Math.max(day * DAY_MS + open, from);
    const end = Math.min(day * DAY_MS + close, limit);
    if (end <= begin) continue;
    if (amount - used <= end - begin) return { reached: begin + (amount - used) };
    used += end - begin;
  }
  return { used };
}

/**
 * Walks backward from wall time `from` until `amount` (> 0) of working time has been passed:
 * the latest wall time with exactly `amount` of working time before `from` (when a window is used
 * up exactly, its opening rather than the previous window's close).
 */
export function retreat(windows: WorkingWindows, from: number, amount: number): number {
  const { open, close, isWorkingDay } = windows;
  const lastDay = Math.floor((from - 1) / DAY_MS);
  let used = 0;
  for (let day = lastDay; ; day--) {
    if (lastDay - day > MAX_DAYS) throw tooFar();
    if (!isWorkingDay(day)) continue;
    const begin = day * DAY_MS + open;
    const end = Math.min(day * DAY_MS + close, from);
    if (end <= begin) continue;
    if (amount - used <= end - begin) return end - (amount - used);
    used += end - begin;
  }
}

const tooFar = (): RangeError =>
  new RangeError('business time cannot be counted over more than 10 years of the calendar');

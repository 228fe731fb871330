import { IANAZone } from 'luxon';

const MINUTE = 60_000;
/**
 * Every instant whose local time is some wall time W lies within 14 hours of W (the widest UTC
 * offset), so one look 15 hours either side finds the offset change that matters, if any.
 * Assumes a zone changes its offset at most once in 30 hours, true of every zone since 1970.
 */
const REACH = 15 * 60 * MINUTE;

/**
 * Wall time: a local date and time of the calendar's zone written as if it were UTC epoch
 * milliseconds (`2026-03-29T02:30` local is `Date.UTC(2026, 2, 29, 2, 30)`), so local days are
 * exact multiples of 24 hours and plain arithmetic works on them.
 */
export interface WallClock {
  /** The local time shown by the clock at `instant` (in a repeated hour, the second pass shows it again). */
  readonly localTime: (instant: number) => number;
  /**
   * A never-decreasing reading of the wall clock, what business time is measured on: it jumps
   * over a skipped hour and stands still during the second pass of a repeated hour.
   */
  readonly toWall: (instant: number) => number;
  /** The earliest instant whose `toWall` reaches `wall` (in a skipped hour: the instant of the jump). */
  readonly toInstant: (wall: number) => number;
  /**
   * The instant showing local time `wall`, resolved the usual way (RFC 5545, Temporal
   * `compatible`): a repeated time takes its first occurrence, a skipped time moves forward by
   * the length of the gap (02:30 on a spring-forward night is 03:30).
   */
  readonly fromLocalTime: (wall: number) => number;
}

interface OffsetChange {
  /** Offset in ms before the change (or the only offset around, when `at` is undefined). */
  readonly before: number;
  readonly after: number;
  /** The first instant with the `after` offset. */
  readonly at: number | undefined;
}

/** Zones found valid so far (a bounded set: the IANA names); checking one costs an Intl formatter. */
const validZones = new Set<string>();

export const isValidTimeZone = (timeZone: string): boolean => {
  if (validZones.has(timeZone)) return true;
  const valid = IANAZone.isValidZone(timeZone);
  if (valid) validZones.add(timeZone);
  return valid;
};

export function wallClock(timeZone: string): WallClock {
  if (!isValidTimeZone(timeZone)) throw new Error(`unknown time zone "${timeZone}"`);
  const zone = IANAZone.create(timeZone);
  const offset = (instant: number): number => zone.offset(instant) * MINUTE;

  const changeNear = (point: number): OffsetChange => {
    const before = offset(point - REACH);
    const after = offset(point + REACH);
    if (before === after) return { before, after, at: undefined };
    let low = point - REACH;
    let high = point + REACH;
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (offset(middle) === before) low = middle;
      else high = middle;
    }
    return { before, after, at: high };
  };

  const toWall = (instant: number): number => {
    const { before, after, at } = changeNear(instant);
    if (at === undefined || instant < at) return instant + before;
    // After falling back, the clock shows times it already showed: hold at the highest reached.
    return Math.max(instant + after, at + before);
  };

  const toInstant = (wall: number): number => {
    const { before, after, at } = changeNear(wall);
    if (at === undefined || wall - before <= at) return wall - before;
    // Past the change; a wall time skipped by springing forward is reached at the jump itself.
    return Math.max(at, wall - after);
  };

  const fromLocalTime = (wall: number): number => {
    const { before, after, at } = changeNear(wall);
    if (at === undefined || wall - before < at) return wall - before;
    return wall - after >= at ? wall - after : wall - before;
  };

  return { localTime: (instant) => instant + offset(instant), toWall, toInstant, fromLocalTime };
}

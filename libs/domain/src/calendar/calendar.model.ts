export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Local wall-clock times `HH:mm`, start inclusive, end exclusive (`24:00` allowed as end). */
export interface WorkingHours {
  readonly start: string;
  readonly end: string;
}

/**
 * A business calendar: business time advances only inside working time, counted on the local
 * wall clock of `timeZone` (an IANA zone).
 */
export interface Calendar {
  readonly timeZone: string;
  readonly workingDays: readonly Weekday[];
  /** null: the whole day. */
  readonly workingHours: WorkingHours | null;
  /** ISO dates (`2026-12-25`) in the calendar's zone. */
  readonly holidays: readonly string[];
}

/** A span during which a clock stands still, in epoch milliseconds: [from, to). `to: null` = still paused. */
export interface Pause {
  readonly from: number;
  readonly to: number | null;
}

/**
 * A policy duration. `calendar`: ISO 8601 (`PT30M`, `P7D`): days and weeks are local calendar days
 * in the calendar's zone, hours/minutes/seconds exact elapsed time. `business`: whole working days
 * of the calendar (fractions allowed), whatever their length in hours.
 */
export type Duration =
  | {
      readonly kind: 'calendar';
      readonly iso: string;
      /** Local calendar days (weeks folded in as 7 days). */
      readonly days: number;
      /** Exact elapsed milliseconds (hours, minutes, seconds). */
      readonly ms: number;
    }
  | { readonly kind: 'business'; readonly businessDays: number };

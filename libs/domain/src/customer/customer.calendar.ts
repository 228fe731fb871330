import { DomainError } from '../decider/domain-error';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isIanaTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};

const isCalendarDate = (value: string): boolean => {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
};

export const requireTimeZone = (timeZone: string): string => {
  if (!isIanaTimeZone(timeZone)) {
    throw new DomainError('invalid-time-zone', `"${timeZone}" is not an IANA time zone.`, {
      timeZone,
    });
  }
  return timeZone;
};

/**
 * A customer's own holidays (added to the policy's), as a sorted set of ISO dates so that the
 * same calendar always reads the same and a change can be detected by comparison.
 */
export const requireHolidays = (holidays: readonly string[]): readonly string[] => {
  const invalid = holidays.filter((holiday) => !isCalendarDate(holiday));
  if (invalid.length > 0) {
    throw new DomainError('invalid-holiday', 'Holidays must be ISO calendar dates (YYYY-MM-DD).', {
      invalid,
    });
  }
  return [...new Set(holidays)].sort();
};

export const sameHolidays = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((holiday, index) => holiday === b[index]);

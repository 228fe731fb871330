import { WEEKDAYS, type Calendar, type Weekday } from '../calendar/calendar.model';
import { isValidTimeZone } from '../calendar/wall-clock';
import { parseIsoDate, parseWallTime } from '../calendar/working-windows';
import { PolicyReader, allDefined, at, isMissing } from './policy.reader';

const DEFAULT_WORKING_DAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/**
 * The policy's `calendar`. Only the time zone is required: working days default to Mon-Fri,
 * working hours to the whole day, holidays to none (the defaults of domain.md).
 */
export function readCalendar(reader: PolicyReader, value: unknown): Calendar | undefined {
  const map = reader.map('calendar', value, [
    'timeZone',
    'workingDays',
    'workingHours',
    'holidays',
  ]);
  if (!map) return undefined;
  let timeZone = reader.string('calendar.timeZone', map.timeZone);
  if (timeZone !== undefined && !isValidTimeZone(timeZone)) {
    timeZone = reader.report('calendar.timeZone', `unknown time zone "${timeZone}"`);
  }
  const workingDays = isMissing(map.workingDays)
    ? DEFAULT_WORKING_DAYS
    : reader
        .list('calendar.workingDays', map.workingDays, 1, 'working day')
        ?.map((day, index) =>
          reader.oneOf(at('calendar.workingDays', index), day, WEEKDAYS, 'weekday'),
        );
  const holidays = isMissing(map.holidays)
    ? []
    : reader
        .list('calendar.holidays', map.holidays)
        ?.map((holiday, index) => readHoliday(reader, index, holiday));
  const workingHours = readWorkingHours(reader, map.workingHours);
  const complete = workingDays && allDefined(workingDays) && holidays && allDefined(holidays);
  if (!complete || timeZone === undefined || workingHours === undefined) return undefined;
  return {
    timeZone,
    workingDays: WEEKDAYS.filter((day) => workingDays.includes(day)),
    workingHours,
    holidays: [...new Set(holidays)].sort(),
  };
}

function readHoliday(reader: PolicyReader, index: number, holiday: unknown): string | undefined {
  if (typeof holiday === 'string' && parseIsoDate(holiday) !== undefined) return holiday;
  const message = `invalid date ${JSON.stringify(holiday)} (ISO date like 2026-12-25)`;
  return reader.report(at('calendar.holidays', index), message);
}

function readWorkingHours(
  reader: PolicyReader,
  value: unknown,
): Calendar['workingHours'] | undefined {
  if (value === undefined || value === null) return null;
  const path = 'calendar.workingHours';
  const map = reader.map(path, value, ['start', 'end']);
  if (!map) return undefined;
  const start = readTime(reader, at(path, 'start'), map.start, false);
  const end = readTime(reader, at(path, 'end'), map.end, true);
  if (!start || !end) return undefined;
  if (start.ms >= end.ms) {
    return reader.report(path, `start (${start.text}) must be before end (${end.text})`);
  }
  return { start: start.text, end: end.text };
}

function readTime(reader: PolicyReader, path: string, value: unknown, isEnd: boolean) {
  const text = reader.string(path, value);
  if (text === undefined) return undefined;
  const ms = parseWallTime(text, isEnd);
  if (ms === undefined) {
    return reader.report(path, `must be a time HH:mm${isEnd ? ' (24:00 allowed)' : ''}`);
  }
  return { text, ms };
}

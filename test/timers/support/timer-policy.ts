import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DEFAULT = readFileSync(join(__dirname, '../../../policy/almacare.yaml'), 'utf8');

const replaced = (text: string, from: string | RegExp, to: string): string => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`timer policy: ${String(from)} not found in almacare.yaml`);
  return next;
};

/**
 * The AlmaCare policy with clocks of seconds, so timers fire within a test: Enhanced responses
 * S1 4 s, S2 8 s, S3 12 s (at risk at 75 %); status reports S1 every 5 s by default, S3 every 5 s,
 * S4 within 4 s of a request (S2 keeps its business days: see the scheduler's unit test); the
 * customer side 6 s with reminders 4 s and 2 s before it; every day a working day.
 */
export const TIMER_POLICY = [
  ['version: "2023-04"', 'version: "timers-test-1"'],
  ['workingDays: [mon, tue, wed, thu, fri]', 'workingDays: [mon, tue, wed, thu, fri, sat, sun]'],
  [
    /(enhanced:[\s\S]*?responseTargets:\s*\n\s*1: )PT30M(\s*\n\s*2: )PT2H(\s*\n\s*3: )PT12H/,
    '$1PT4S$2PT8S$3PT12S',
  ],
  [
    '1: { agreed: true, default: P1D, minInterval: P1D }',
    '1: { agreed: true, default: PT5S, minInterval: PT5S }',
  ],
  ['3: { every: P14D }', '3: { every: PT5S }'],
  ['4: { onRequest: { businessDays: 2 } }', '4: { onRequest: PT4S }'],
  ['limit: P7D', 'limit: PT6S'],
  ['reminders: [P2D, P1D]', 'reminders: [PT4S, PT2S]'],
].reduce((text, [from, to]) => replaced(text, from as string | RegExp, to as string), DEFAULT);

import type { Pause } from './calendar.model';

/** `amount` of elapsed time counted from `start`, skipping pauses. */
export function addElapsed(start: number, amount: number, pauses: readonly Pause[]): number {
  if (amount === 0) return start;
  let used = 0;
  for (const [from, to] of runningSpans(start, pauses)) {
    if (amount - used <= to - from) return from + (amount - used);
    used += to - from;
  }
  return Infinity;
}

/**
 * The spans [from, to) after `start` during which the clock runs, in order; the last one ends
 * at Infinity unless an open pause stops the clock for good.
 */
export function* runningSpans(
  start: number,
  pauses: readonly Pause[],
): Generator<[number, number]> {
  const stops = pauses
    .map((pause): [number, number] => {
      assertInstant(pause.from, 'pause.from');
      if (pause.to !== null && !(pause.to >= pause.from)) {
        throw new RangeError(`a pause cannot end before it starts: ${JSON.stringify(pause)}`);
      }
      return [pause.from, pause.to ?? Infinity];
    })
    .sort((a, b) => a[0] - b[0]);
  let cursor = start;
  for (const [from, to] of stops) {
    if (to <= cursor) continue;
    if (from > cursor) yield [cursor, from];
    cursor = to;
    if (cursor === Infinity) return;
  }
  yield [cursor, Infinity];
}

export function assertInstant(value: number, name: string): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite instant, got ${value}`);
  }
}

export function assertAmount(value: number, name: string): void {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a finite number not below 0, got ${value}`);
  }
}

import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor';
import { horizonMs } from './iso-duration';

describe('list cursors', () => {
  it('round-trip the sort key and id, opaque (base64url)', () => {
    const cursor = encodeCursor('next_deadline', '2026-03-02T09:00:00.000Z', 'i-1');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'next_deadline')).toEqual({
      key: '2026-03-02T09:00:00.000Z',
      id: 'i-1',
    });
    expect(decodeCursor(encodeCursor('next_deadline', null, 'i-2'), 'next_deadline')).toEqual({
      key: null,
      id: 'i-2',
    });
  });

  it.each([
    '',
    'not-base64!',
    Buffer.from('{"a":1}').toString('base64url'),
    Buffer.from('[1,2]').toString('base64url'),
  ])('refuses %j', (cursor) => {
    expect(() => decodeCursor(cursor, 'received_at')).toThrow(InvalidCursorError);
  });

  it("refuses another list's cursor", () => {
    const cursor = encodeCursor('received_at', 'x', 'i');
    expect(() => decodeCursor(cursor, 'next_deadline')).toThrow(InvalidCursorError);
  });
});

describe('queue horizons', () => {
  it.each([
    ['PT4H', 4 * 3_600_000],
    ['PT30M', 1_800_000],
    ['P1D', 86_400_000],
    ['P1DT2H', 26 * 3_600_000],
    ['PT90S', 90_000],
  ])('%s is %d ms', (duration, ms) => expect(horizonMs(duration)).toBe(ms));

  it.each(['', 'P', 'PT', '4H', 'PT0H', 'P1M', 'PT-1H', 'P1W'])('refuses %j', (duration) =>
    expect(horizonMs(duration)).toBeNull(),
  );
});

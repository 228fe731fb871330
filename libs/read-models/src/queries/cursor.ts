/** A cursor that is not one of ours (400). */
export class InvalidCursorError extends Error {
  readonly code = 'invalid-cursor';

  constructor() {
    super('The cursor is not valid for this list.');
    this.name = 'InvalidCursorError';
  }
}

export type CursorValue = string | number | null;

/** An opaque cursor: base64url of the last item's sort key and id, tagged with the list's sort. */
export const encodeCursor = (sort: string, key: CursorValue, id: string): string =>
  Buffer.from(JSON.stringify([sort, key, id]), 'utf8').toString('base64url');

/** The sort key and id after which the next page starts. @throws InvalidCursorError */
export function decodeCursor(cursor: string, sort: string): { key: CursorValue; id: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 3 ||
    parsed[0] !== sort ||
    !(parsed[1] === null || typeof parsed[1] === 'string' || typeof parsed[1] === 'number') ||
    typeof parsed[2] !== 'string'
  )
    throw new InvalidCursorError();
  return { key: parsed[1] as CursorValue, id: parsed[2] };
}

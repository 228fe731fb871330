/**
 * Structural checks mailparser does not make: it reads almost anything as "a message", so a
 * body that is not RFC 5322 at all, or a multipart whose boundary never occurs, would otherwise
 * open an incident made of noise. Works on the raw bytes (latin1 keeps them one to one).
 */

const FIELD_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;
const MBOX_FROM_LINE = /^From \S/;

/** The header section and the body, split at the first empty line. */
export function splitHeader(raw: Buffer): { readonly head: string; readonly body: string } {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  if (!end) return { head: text, body: '' };
  return { head: text.slice(0, end.index), body: text.slice(end.index + end[0].length) };
}

/** Why the header section is not one, or null when every line is a field or its continuation. */
export function headerProblem(raw: Buffer): string | null {
  if (raw.length === 0) return 'the message is empty';
  const { head } = splitHeader(raw);
  if (head.includes('\0')) return 'the header contains NUL bytes';
  const lines = head.split(/\r?\n/);
  // An MTA pipe may hand over the mbox envelope line first.
  if (lines.length > 0 && MBOX_FROM_LINE.test(lines[0])) lines.shift();
  if (lines.length === 0 || lines[0] === '') return 'the message has no header fields';
  for (const [index, line] of lines.entries()) {
    const continuation = line.startsWith(' ') || line.startsWith('\t');
    if (continuation && index === 0) return 'the header starts with a folded line';
    if (!continuation && !FIELD_LINE.test(line))
      return `header line ${index + 1} is not a "Name: value" field`;
  }
  return null;
}

/** Why a multipart body does not hold together, or null (also for any other content type). */
export function multipartProblem(
  contentType: string | undefined,
  boundary: string | undefined,
  raw: Buffer,
): string | null {
  if (!contentType?.toLowerCase().startsWith('multipart/')) return null;
  if (!boundary) return `${contentType} without a boundary parameter`;
  const { body } = splitHeader(raw);
  const delimiter = `--${boundary}`;
  const found = body.split(/\r?\n/).some((line) => line.trimEnd().startsWith(delimiter));
  return found ? null : `the ${contentType} boundary never occurs in the body`;
}

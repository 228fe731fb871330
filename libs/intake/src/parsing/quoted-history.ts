/**
 * The new part of a reply: mail clients append the whole conversation below (or, quoted with
 * `>`, around) what the customer wrote, and the incident already holds that history.
 */

/** Lines where a client's quoted history begins: everything from there on is dropped. */
const HISTORY_STARTS: readonly RegExp[] = [
  // Gmail, Apple Mail, Thunderbird: "On Mon, 3 Mar 2025 at 10:00, Ada <ada@x> wrote:"
  /^On\b.*\bwrote:\s*$/i,
  // Localized: "Am ... schrieb ...:", "Le ... a écrit :", "El ... escribió:", "Il ... ha scritto:"
  /^Am\b.*\bschrieb\b.*:\s*$/i,
  /^Le\b.*\ba écrit\s*:\s*$/i,
  /^El\b.*\bescribió:\s*$/i,
  /^Il\b.*\bha scritto:\s*$/i,
  // Outlook and many webmails.
  /^-{2,}\s*Original Message\s*-{2,}\s*$/i,
  /^-{2,}\s*Forwarded message\s*-{2,}\s*$/i,
  /^_{20,}\s*$/,
  /^Begin forwarded message:\s*$/i,
];

/** Outlook's header block: "From: ..." followed by "Sent:"/"Date:" within the next lines. */
const OUTLOOK_FROM = /^\*?From:\*?\s/i;
const OUTLOOK_NEXT = /^\*?(Sent|Date|To|Subject):\*?\s/i;

/** Gmail wraps a long "On ... wrote:" line: "On Mon, 3 Mar 2025 at 10:00, Ada Lead <" + "ada@x> wrote:". */
const WRAPPED_ON = /^On\b/i;
const WRAPPED_WROTE = /\bwrote:\s*$/i;

export function stripQuotedHistory(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index];
    const trimmed = line.trim();
    if (HISTORY_STARTS.some((start) => start.test(trimmed))) break;
    if (WRAPPED_ON.test(trimmed) && WRAPPED_WROTE.test(lines[index + 1]?.trim() ?? '')) break;
    if (
      OUTLOOK_FROM.test(trimmed) &&
      lines.slice(index + 1, index + 4).some((next) => OUTLOOK_NEXT.test(next.trim()))
    )
      break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

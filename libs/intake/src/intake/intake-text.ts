import type { EmailAttachment, ParsedEmail } from '../parsing/email-message';
import { stripQuotedHistory } from '../parsing/quoted-history';

/** Messages are capped like the web form's. */
export const TEXT_MAX = 100_000;

const KB = 1024;

/** `3.2 MB`, `12 kB`, `512 B`: sizes as a person reads them. */
export const formatSize = (bytes: number): string => {
  if (bytes < KB) return `${bytes} B`;
  if (bytes < KB * KB) return `${(bytes / KB).toFixed(bytes < 10 * KB ? 1 : 0)} kB`;
  return `${(bytes / (KB * KB)).toFixed(1)} MB`;
};

/** The attachments as one line each: name, type and size (the files themselves are not kept). */
export const attachmentLines = (attachments: readonly EmailAttachment[]): string =>
  attachments.length === 0
    ? ''
    : [
        `Attachments (${attachments.length}, not stored):`,
        ...attachments.map(
          (file) => `- ${file.filename} (${file.contentType}, ${formatSize(file.size)})`,
        ),
      ].join('\n');

const cap = (text: string): string =>
  text.length <= TEXT_MAX ? text : `${text.slice(0, TEXT_MAX - 40)}\n[... truncated by the intake]`;

const withAttachments = (text: string, email: ParsedEmail): string =>
  [text, attachmentLines(email.attachments)].filter((part) => part !== '').join('\n\n');

/** A new incident's description: the whole text (a forwarded report matters), then the attachments. */
export const descriptionOf = (email: ParsedEmail): string =>
  cap(withAttachments(email.text, email)) || '(no text)';

/** A reply's message: only what is new (the quoted history stripped), then the attachments. */
export const replyOf = (email: ParsedEmail): string =>
  cap(withAttachments(stripQuotedHistory(email.text), email));

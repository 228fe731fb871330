import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';
import { simpleParser, type AddressObject, type HeaderValue, type ParsedMail } from 'mailparser';
import { headerProblem, multipartProblem } from './mime-structure';

export interface EmailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

/** An inbound email as the intake reads it. */
export interface ParsedEmail {
  /** `<id@host>`; synthesized from the bytes when the message has none, so a redelivery matches. */
  readonly messageId: string;
  /** The sender's address, lower case (the lead's email is matched case-insensitively). */
  readonly from: string;
  readonly fromName: string | null;
  /** Decoded (RFC 2047), as written; empty when absent. */
  readonly subject: string;
  /** The text part, or the HTML part converted to text; line ends are `\n`. */
  readonly text: string;
  /** Message ids this one answers: In-Reply-To first, then References from the newest. */
  readonly inReplyTo: readonly string[];
  readonly references: readonly string[];
  readonly attachments: readonly EmailAttachment[];
  /** Sent by a machine (out-of-office, auto-reply, bulk): never a customer's answer. */
  readonly automatic: boolean;
}

export type EmailRejection = 'malformed-mime' | 'missing-from';

/** The message cannot be taken at all (HTTP 400, SMTP 550). */
export class EmailRejectedError extends Error {
  constructor(
    readonly code: EmailRejection,
    message: string,
  ) {
    super(message);
    this.name = 'EmailRejectedError';
  }
}

const MESSAGE_ID = /<[^<>\s]+>/g;

export const messageIdsIn = (value: string | readonly string[] | undefined): string[] =>
  [value ?? []].flat().flatMap((part) => part.match(MESSAGE_ID) ?? []);

/** Reads a raw RFC 5322 message. @throws EmailRejectedError */
export async function parseEmail(raw: Buffer): Promise<ParsedEmail> {
  const problem = headerProblem(raw);
  if (problem) throw new EmailRejectedError('malformed-mime', `Not a MIME message: ${problem}.`);
  let mail: ParsedMail;
  try {
    mail = await simpleParser(raw, { skipHtmlToText: true, skipTextToHtml: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new EmailRejectedError('malformed-mime', `Not a MIME message: ${reason}.`);
  }
  const type = structured(mail.headers.get('content-type'));
  const multipart = multipartProblem(type?.value, type?.params.boundary, raw);
  if (multipart)
    throw new EmailRejectedError('malformed-mime', `Not a MIME message: ${multipart}.`);
  const sender = firstAddress(mail.from);
  if (!sender)
    throw new EmailRejectedError('missing-from', 'The message has no From address to answer.');
  return {
    messageId: messageIdsIn(mail.messageId)[0] ?? synthesizedMessageId(raw),
    from: sender.address.toLowerCase(),
    fromName: sender.name || null,
    subject: (mail.subject ?? '').trim(),
    text: bodyText(mail),
    inReplyTo: messageIdsIn(mail.inReplyTo),
    references: messageIdsIn(mail.references).reverse(),
    attachments: mail.attachments.map((attachment) => ({
      filename: attachment.filename ?? 'unnamed',
      contentType: attachment.contentType,
      size: attachment.size,
    })),
    automatic: isAutomatic(mail.headers),
  };
}

/** `<sha256 of the bytes>@intake.invalid`: the same bytes delivered twice get the same id. */
export const synthesizedMessageId = (raw: Buffer): string =>
  `<${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@intake.invalid>`;

function structured(
  value: HeaderValue | undefined,
): { readonly value: string; readonly params: Readonly<Record<string, string>> } | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date)
    return null;
  const candidate = value as { value?: unknown; params?: unknown };
  if (typeof candidate.value !== 'string' || typeof candidate.params !== 'object') return null;
  return { value: candidate.value, params: (candidate.params ?? {}) as Record<string, string> };
}

function firstAddress(
  from: AddressObject | undefined,
): { readonly address: string; readonly name: string } | null {
  for (const entry of from?.value ?? []) {
    const address = entry.address?.trim();
    if (address && address.includes('@')) return { address, name: entry.name.trim() };
  }
  return null;
}

function bodyText(mail: ParsedMail): string {
  const text =
    typeof mail.text === 'string' && mail.text.trim() !== ''
      ? mail.text
      : typeof mail.html === 'string'
        ? htmlToText(mail.html)
        : '';
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

export const htmlToText = (html: string): string =>
  convert(html, {
    wordwrap: false,
    selectors: [
      { selector: 'img', format: 'skip' },
      { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
    ],
  });

const AUTOMATIC_PRECEDENCE = new Set(['bulk', 'junk', 'auto_reply']);

/** RFC 3834 `Auto-Submitted`, and the older headers auto-responders still send. */
function isAutomatic(headers: ParsedMail['headers']): boolean {
  const text = (name: string): string => {
    const value = headers.get(name);
    return typeof value === 'string' ? value.trim().toLowerCase() : '';
  };
  const submitted = text('auto-submitted');
  if (submitted !== '' && submitted !== 'no') return true;
  if (headers.has('x-autoreply') || headers.has('x-autorespond')) return true;
  return AUTOMATIC_PRECEDENCE.has(text('precedence'));
}

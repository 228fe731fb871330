import type { PlannedNotification } from '@engine/intake';

/** The part of nodemailer the sender uses (nodemailer ships no types; it is CommonJS). */
interface NodemailerTransport {
  sendMail(mail: Record<string, unknown>): Promise<{ messageId?: string }>;
  close(): void;
}
interface Nodemailer {
  createTransport(url: string, defaults?: Record<string, unknown>): NodemailerTransport;
}

export interface MailSender {
  send(notification: PlannedNotification): Promise<void>;
  close(): void;
}

/** SMTP_URL through nodemailer; the engine's From, Message-ID and thread headers on every mail. */
export function smtpMailSender(smtpUrl: string, from: string): MailSender {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS without types
  const nodemailer = require('nodemailer') as Nodemailer;
  const transport = nodemailer.createTransport(smtpUrl, {
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(notification) {
      await transport.sendMail({
        from,
        to: notification.to,
        subject: notification.subject,
        text: notification.text,
        messageId: notification.messageId,
        ...(notification.inReplyTo ? { inReplyTo: notification.inReplyTo } : {}),
        ...(notification.references.length > 0 ? { references: [...notification.references] } : {}),
        headers: {
          // RFC 3834: auto-responders (out-of-office) must not answer it.
          'Auto-Submitted': 'auto-generated',
          'X-Incident-Number': notification.number,
        },
      });
    },
    close: () => transport.close(),
  };
}

/** A 5xx answer (mailbox unknown, message refused): retrying sends the same refusal. */
export function isPermanentMailError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { responseCode, code } = error as { responseCode?: unknown; code?: unknown };
  if (typeof responseCode === 'number') return responseCode >= 500 && responseCode < 600;
  return code === 'EENVELOPE' || code === 'EMESSAGE';
}

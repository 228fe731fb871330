import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { EmailRejectedError, type EmailIntake, type IntakeAnswer } from '@engine/intake';
import type { FollowerLogger } from '@engine/read-models';

export interface SmtpIntakeOptions {
  /** Largest message (INTAKE_MAX_BYTES): announced with SIZE, refused with 552 beyond. */
  readonly maxBytes: number;
  readonly logger: FollowerLogger;
}

/** An SMTP error answer: smtp-server sends `responseCode` and the message to the client. */
const smtpError = (responseCode: number, message: string): Error =>
  Object.assign(new Error(message), { responseCode });

const accepted = (answer: IntakeAnswer): string =>
  answer.outcome === 'refused'
    ? `Accepted and logged, refused: ${answer.reason ?? 'unknown reason'}`
    : `Accepted: ${answer.outcome} ${answer.number ?? answer.incidentId ?? ''}`.trim();

/**
 * The built-in SMTP intake: no authentication (it is an inbound mail exchanger, meant for
 * loopback or behind an MTA that checks SPF/DKIM), every message fed to the same EmailIntake as
 * `POST /intake/email`. Refusals by the rules are accepted (250) and logged, like the HTTP 202;
 * unreadable mail is refused (550); a failure on our side asks the client to retry (451).
 */
export function createSmtpIntakeServer(
  intake: EmailIntake,
  options: SmtpIntakeOptions,
): SMTPServer {
  return new SMTPServer({
    name: 'incident-engine',
    banner: 'incident engine email intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: options.maxBytes,
    logger: false,
    onData(stream: SMTPServerDataStream, _session, callback) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Past the limit the rest is read and dropped, never buffered.
        if (bytes <= options.maxBytes) chunks.push(chunk);
      });
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        if (stream.sizeExceeded || bytes > options.maxBytes) {
          callback(smtpError(552, `5.3.4 Message exceeds the ${options.maxBytes}-byte limit`));
          return;
        }
        intake.receive(Buffer.concat(chunks), 'smtp').then(
          (answer) => callback(null, accepted(answer)),
          (error: unknown) => {
            if (error instanceof EmailRejectedError) {
              callback(smtpError(550, `5.6.0 ${error.message}`));
              return;
            }
            options.logger.error(
              `SMTP intake: ${error instanceof Error ? error.message : String(error)}`,
              error instanceof Error ? error.stack : undefined,
            );
            callback(smtpError(451, '4.3.0 Temporary failure, please try again later'));
          },
        );
      });
    },
  });
}

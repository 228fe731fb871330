import type { CommandMeta, IncidentCommand, IncidentState, OpenIncident } from '@engine/domain';
import type { IntakeOutcome } from '../storage/intake-log.store';

/** What the HTTP API's OpenIncident path takes (it adds the number, policy and customer). */
export type EmailOpenRequest = Omit<
  OpenIncident['data'],
  'number' | 'policyVersion' | 'customer'
> & {
  readonly customerId: string;
};

export interface IntakeCommandOptions {
  readonly commandId: string;
  readonly correlationId: string;
}

/** The command side as the intake uses it: the same dispatch as the HTTP API's. */
export interface IntakeCommandPort {
  open(
    request: EmailOpenRequest,
    meta: CommandMeta,
    options: IntakeCommandOptions,
  ): Promise<IncidentState>;
  send(
    incidentId: string,
    command: IncidentCommand,
    options: IntakeCommandOptions,
  ): Promise<IncidentState>;
}

/** The answer to one delivered message (HTTP 202 body; SMTP 250 text). */
export interface IntakeAnswer {
  readonly outcome: IntakeOutcome;
  readonly messageId: string;
  readonly incidentId?: string;
  readonly number?: string;
  readonly reason?: string;
  /** The Message-ID was delivered before: this is the first delivery's outcome. */
  readonly duplicate?: true;
}

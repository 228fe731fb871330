import type { CustomerCommand, IncidentCommand, ProblemCommand } from '@engine/domain';

/** How a command reaches its stream: its id (idempotency), If-Match, and the correlation to record. */
export interface StreamCommandOptions {
  readonly commandId: string;
  readonly expectedVersion?: bigint;
  readonly correlationId?: string;
  readonly causationId?: string;
}

/** CommandBus messages: one per aggregate, carrying a domain command for one stream. */
export class CustomerCommandMessage {
  constructor(
    readonly customerId: string,
    readonly command: CustomerCommand,
    readonly options: StreamCommandOptions,
  ) {}
}

export class IncidentCommandMessage {
  constructor(
    readonly incidentId: string,
    readonly command: IncidentCommand,
    readonly options: StreamCommandOptions,
  ) {}
}

export class ProblemCommandMessage {
  constructor(
    readonly problemId: string,
    readonly command: ProblemCommand,
    readonly options: StreamCommandOptions,
  ) {}
}

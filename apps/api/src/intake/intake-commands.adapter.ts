import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandMeta, IncidentCommand, IncidentState } from '@engine/domain';
import type { CommandResult } from '@engine/event-store';
import type { EmailOpenRequest, IntakeCommandOptions, IntakeCommandPort } from '@engine/intake';
import { IncidentCommandMessage } from '../commands/stream-command';
import { OpenIncidentMessage } from '../incidents/open-incident.handler';

/** Email commands take the HTTP API's path: the same CommandBus messages, the same handlers. */
@Injectable()
export class CommandBusIntakeCommands implements IntakeCommandPort {
  constructor(private readonly commands: CommandBus) {}

  async open(
    request: EmailOpenRequest,
    meta: CommandMeta,
    options: IntakeCommandOptions,
  ): Promise<IncidentState> {
    const result: CommandResult<IncidentState> = await this.commands.execute(
      new OpenIncidentMessage(request, meta, options),
    );
    return result.state;
  }

  async send(
    incidentId: string,
    command: IncidentCommand,
    options: IntakeCommandOptions,
  ): Promise<IncidentState> {
    const result: CommandResult<IncidentState> = await this.commands.execute(
      new IncidentCommandMessage(incidentId, command, options),
    );
    return result.state;
  }
}

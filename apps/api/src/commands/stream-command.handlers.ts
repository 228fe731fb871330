import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  createCustomerDecider,
  createIncidentDecider,
  customerStreamId,
  incidentStreamId,
  problemDecider,
  problemStreamId,
  type CustomerState,
  type IncidentState,
  type PolicyRegistry,
  type ProblemState,
} from '@engine/domain';
import {
  handleCommand,
  StreamStateCache,
  type CommandResult,
  type EventStore,
} from '@engine/event-store';
import { EVENT_STORE, POLICY_REGISTRY } from '@engine/platform';
import {
  CustomerCommandMessage,
  IncidentCommandMessage,
  ProblemCommandMessage,
} from './stream-command';

/**
 * Every command handler is this: the one command path, `handleCommand`, on the aggregate's stream,
 * with the folded states of the streams it used lately (each command reads only newer events).
 */

@CommandHandler(CustomerCommandMessage)
export class CustomerCommandHandler implements ICommandHandler<
  CustomerCommandMessage,
  CommandResult<CustomerState>
> {
  private readonly decider;
  private readonly stateCache = new StreamStateCache<CustomerState>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(POLICY_REGISTRY) policies: PolicyRegistry,
  ) {
    this.decider = createCustomerDecider(policies);
  }

  execute({ customerId, command, options }: CustomerCommandMessage) {
    return handleCommand(this.store, customerStreamId(customerId), this.decider, command, {
      ...options,
      stateCache: this.stateCache,
    });
  }
}

@CommandHandler(IncidentCommandMessage)
export class IncidentCommandHandler implements ICommandHandler<
  IncidentCommandMessage,
  CommandResult<IncidentState>
> {
  private readonly decider;
  private readonly stateCache = new StreamStateCache<IncidentState>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(POLICY_REGISTRY) policies: PolicyRegistry,
  ) {
    this.decider = createIncidentDecider(policies);
  }

  execute({ incidentId, command, options }: IncidentCommandMessage) {
    return handleCommand(this.store, incidentStreamId(incidentId), this.decider, command, {
      ...options,
      stateCache: this.stateCache,
    });
  }
}

@CommandHandler(ProblemCommandMessage)
export class ProblemCommandHandler implements ICommandHandler<
  ProblemCommandMessage,
  CommandResult<ProblemState>
> {
  private readonly stateCache = new StreamStateCache<ProblemState>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  execute({ problemId, command, options }: ProblemCommandMessage) {
    return handleCommand(this.store, problemStreamId(problemId), problemDecider, command, {
      ...options,
      stateCache: this.stateCache,
    });
  }
}

export const STREAM_COMMAND_HANDLERS = [
  CustomerCommandHandler,
  IncidentCommandHandler,
  ProblemCommandHandler,
];

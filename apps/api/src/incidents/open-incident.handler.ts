import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  createIncidentDecider,
  incidentStreamId,
  type CustomerSnapshot,
  type IncidentState,
  type OpenIncident,
  type PolicyRegistry,
} from '@engine/domain';
import { handleCommand, type CommandResult, type EventStore } from '@engine/event-store';
import {
  CustomerReader,
  EVENT_STORE,
  POLICY_REGISTRY,
  SQL_DATABASE,
  nextInSequence,
  type SqlDatabase,
} from '@engine/platform';
import type { StreamCommandOptions } from '../commands/stream-command';

/** What a caller asks for; the handler adds the number, the policy version and the customer. */
export type OpenIncidentRequest = Omit<
  OpenIncident['data'],
  'number' | 'policyVersion' | 'customer'
> & { readonly customerId: string };

export class OpenIncidentMessage {
  constructor(
    readonly request: OpenIncidentRequest,
    readonly meta: OpenIncident['meta'],
    readonly options: StreamCommandOptions,
  ) {}
}

/** Incident numbers start here (`INC-1001`); unique and increasing across processes, gaps allowed. */
export const FIRST_INCIDENT_NUMBER = 1001;

/**
 * Opening needs what the decider cannot look up itself: the customer as it stands now (read from
 * its stream), the policy version in force, and a human number allocated before the append.
 */
@CommandHandler(OpenIncidentMessage)
export class OpenIncidentHandler implements ICommandHandler<
  OpenIncidentMessage,
  CommandResult<IncidentState>
> {
  private readonly decider;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(POLICY_REGISTRY) private readonly policies: PolicyRegistry,
    @Inject(SQL_DATABASE) private readonly database: SqlDatabase,
    private readonly customers: CustomerReader,
  ) {
    this.decider = createIncidentDecider(policies);
  }

  async execute({ request, meta, options }: OpenIncidentMessage) {
    const { customerId, ...data } = request;
    const { state } = await this.customers.read(customerId);
    const customer: CustomerSnapshot | null =
      state.status === 'registered'
        ? {
            customerId: state.customerId,
            plan: state.plan,
            timeZone: state.timeZone,
            holidays: state.holidays,
            leads: state.leads.map((lead) => ({ userId: lead.userId, trained: lead.trained })),
          }
        : null;
    const number = await nextInSequence(this.database, 'incident-number', FIRST_INCIDENT_NUMBER);
    const command: OpenIncident = {
      type: 'OpenIncident',
      data: {
        ...data,
        number: `INC-${number}`,
        policyVersion: this.policies.current.version,
        customer,
      },
      meta,
    };
    return handleCommand(
      this.store,
      incidentStreamId(data.incidentId),
      this.decider,
      command,
      options,
    );
  }
}

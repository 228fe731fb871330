import {
  createCustomerDecider,
  customerStreamId,
  findLead,
  fold,
  type CustomerEvent,
  type CustomerState,
  type PolicyRegistry,
} from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import type { LeadDirectory } from '../auth/lead-directory.port';

/**
 * Reads a customer's current state from its stream (the source of truth, never a projection), so
 * authorisation and incident intake see a nomination or training the moment it is recorded.
 */
export class CustomerReader implements LeadDirectory {
  constructor(
    private readonly store: EventStore,
    private readonly policies: PolicyRegistry,
  ) {}

  async read(customerId: string): Promise<{ state: CustomerState; version: bigint }> {
    const events = await this.store.readStream(customerStreamId(customerId));
    const decider = createCustomerDecider(this.policies);
    const state = fold(
      decider,
      events.map((e) => ({ type: e.type, data: e.data }) as CustomerEvent),
    );
    return { state, version: events.at(-1)?.version ?? 0n };
  }

  async isNominatedLead(customerId: string, userId: string): Promise<boolean> {
    const { state } = await this.read(customerId);
    return state.status === 'registered' && findLead(state, userId) !== undefined;
  }
}

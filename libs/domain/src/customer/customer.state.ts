import { ignoreUnknown } from '../decider/decider';
import type { Plan } from '../policy/policy.model';
import type { CustomerEvent } from './customer.events';

export interface Lead {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly trained: boolean;
  readonly nominatedAt: string;
  readonly trainedAt: string | null;
}

export interface UnregisteredCustomer {
  readonly status: 'unregistered';
}

export interface RegisteredCustomer {
  readonly status: 'registered';
  readonly customerId: string;
  readonly name: string;
  readonly plan: Plan;
  readonly hosts: number;
  readonly timeZone: string;
  readonly holidays: readonly string[];
  readonly leads: readonly Lead[];
}

export type CustomerState = UnregisteredCustomer | RegisteredCustomer;

export const initialCustomerState: CustomerState = { status: 'unregistered' };

/** Applies a change that only means something once the customer exists; never validates. */
const whenRegistered = (
  state: CustomerState,
  apply: (customer: RegisteredCustomer) => RegisteredCustomer,
): CustomerState => (state.status === 'registered' ? apply(state) : state);

export const evolveCustomer = (state: CustomerState, event: CustomerEvent): CustomerState => {
  switch (event.type) {
    case 'customer.registered': {
      const { customerId, name, plan, hosts, timeZone, holidays } = event.data;
      return { status: 'registered', customerId, name, plan, hosts, timeZone, holidays, leads: [] };
    }
    case 'customer.plan-changed':
      return whenRegistered(state, (customer) => ({ ...customer, plan: event.data.to }));
    case 'customer.hosts-changed':
      return whenRegistered(state, (customer) => ({ ...customer, hosts: event.data.to }));
    case 'customer.calendar-changed': {
      const { timeZone, holidays } = event.data;
      return whenRegistered(state, (customer) => ({ ...customer, timeZone, holidays }));
    }
    case 'customer.lead-nominated': {
      const { userId, name, email, at } = event.data;
      const lead: Lead = { userId, name, email, trained: false, nominatedAt: at, trainedAt: null };
      return whenRegistered(state, (customer) => ({
        ...customer,
        leads: [...customer.leads.filter((existing) => existing.userId !== userId), lead],
      }));
    }
    case 'customer.lead-trained': {
      const { userId, at } = event.data;
      return whenRegistered(state, (customer) => ({
        ...customer,
        leads: customer.leads.map((lead) =>
          lead.userId === userId ? { ...lead, trained: true, trainedAt: at } : lead,
        ),
      }));
    }
    case 'customer.lead-removed':
      return whenRegistered(state, (customer) => ({
        ...customer,
        leads: customer.leads.filter((lead) => lead.userId !== event.data.userId),
      }));
    default:
      return ignoreUnknown(event, state);
  }
};

export const findLead = (customer: RegisteredCustomer, userId: string): Lead | undefined =>
  customer.leads.find((lead) => lead.userId === userId);

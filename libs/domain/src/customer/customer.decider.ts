import { assertNever, type Command, type Decider } from '../decider/decider';
import { DomainError, ForbiddenError, NotFoundError } from '../decider/domain-error';
import type { PolicyRegistry } from '../policy/policy.model';
import { requireHolidays, requireTimeZone, sameHolidays } from './customer.calendar';
import type {
  ChangeCustomer,
  CustomerCommand,
  NominateLead,
  RecordLeadTraining,
  RegisterCustomer,
  RemoveLead,
} from './customer.commands';
import type { CustomerEvent } from './customer.events';
import { leadQuota, type TechnicalLeadsPolicy } from './customer.quota';
import {
  evolveCustomer,
  findLead,
  initialCustomerState,
  type CustomerState,
  type Lead,
  type RegisteredCustomer,
} from './customer.state';

const requireAdmin = (command: Command): void => {
  if (command.meta.actor.role !== 'admin') {
    throw new ForbiddenError('forbidden', 'Only an administrator may manage customers.');
  }
};

const requireRegistered = (state: CustomerState): RegisteredCustomer => {
  if (state.status !== 'registered')
    throw new NotFoundError('No such customer.', 'customer-not-found');
  return state;
};

const requireHosts = (hosts: number): number => {
  if (!Number.isInteger(hosts) || hosts < 1) {
    throw new DomainError(
      'invalid-hosts',
      'The licensed host count is a whole number of at least 1.',
      {
        hosts,
      },
    );
  }
  return hosts;
};

const requireLead = (customer: RegisteredCustomer, userId: string): Lead => {
  const lead = findLead(customer, userId);
  if (!lead) {
    throw new DomainError('lead-not-found', `${userId} is not a technical lead of this customer.`, {
      userId,
    });
  }
  return lead;
};

const sameEmail = (a: string, b: string): boolean =>
  a.trim().toLowerCase() === b.trim().toLowerCase();

const registerCustomer = (command: RegisterCustomer, state: CustomerState): CustomerEvent[] => {
  if (state.status === 'registered') {
    throw new DomainError(
      'customer-exists',
      `Customer ${state.customerId} is already registered.`,
      {
        customerId: state.customerId,
      },
    );
  }
  const { customerId, name, plan, hosts, timeZone, holidays } = command.data;
  return [
    {
      type: 'customer.registered',
      data: {
        customerId,
        name,
        plan,
        hosts: requireHosts(hosts),
        timeZone: requireTimeZone(timeZone),
        holidays: requireHolidays(holidays),
        at: command.meta.now,
      },
    },
  ];
};

const changeCustomer = (command: ChangeCustomer, customer: RegisteredCustomer): CustomerEvent[] => {
  const at = command.meta.now;
  const { plan, hosts, timeZone, holidays } = command.data;
  const events: CustomerEvent[] = [];
  if (plan !== undefined && plan !== customer.plan) {
    events.push({ type: 'customer.plan-changed', data: { from: customer.plan, to: plan, at } });
  }
  if (hosts !== undefined && requireHosts(hosts) !== customer.hosts) {
    // Fewer hosts may leave more leads than the quota allows: they stay, nominations wait.
    events.push({ type: 'customer.hosts-changed', data: { from: customer.hosts, to: hosts, at } });
  }
  const nextTimeZone = timeZone === undefined ? customer.timeZone : requireTimeZone(timeZone);
  const nextHolidays = holidays === undefined ? customer.holidays : requireHolidays(holidays);
  if (nextTimeZone !== customer.timeZone || !sameHolidays(nextHolidays, customer.holidays)) {
    events.push({
      type: 'customer.calendar-changed',
      data: { timeZone: nextTimeZone, holidays: nextHolidays, at },
    });
  }
  return events;
};

const nominateLead = (
  command: NominateLead,
  customer: RegisteredCustomer,
  technicalLeads: TechnicalLeadsPolicy,
): CustomerEvent[] => {
  const { userId, name, email } = command.data;
  if (findLead(customer, userId)) {
    throw new DomainError('lead-already-nominated', `${userId} is already a technical lead.`, {
      userId,
    });
  }
  const holder = customer.leads.find((lead) => sameEmail(lead.email, email));
  if (holder) {
    throw new DomainError('lead-email-taken', `${email} is already the address of another lead.`, {
      email,
      userId: holder.userId,
    });
  }
  const quota = leadQuota(customer.hosts, technicalLeads);
  if (customer.leads.length >= quota) {
    throw new DomainError(
      'lead-quota-exceeded',
      `${customer.hosts} licensed hosts allow ${quota} technical leads; ${customer.leads.length} are nominated.`,
      { quota, leads: customer.leads.length, hosts: customer.hosts },
    );
  }
  return [{ type: 'customer.lead-nominated', data: { userId, name, email, at: command.meta.now } }];
};

const recordLeadTraining = (
  command: RecordLeadTraining,
  customer: RegisteredCustomer,
): CustomerEvent[] => {
  const lead = requireLead(customer, command.data.userId);
  if (lead.trained) return [];
  return [{ type: 'customer.lead-trained', data: { userId: lead.userId, at: command.meta.now } }];
};

const removeLead = (command: RemoveLead, customer: RegisteredCustomer): CustomerEvent[] => {
  const lead = requireLead(customer, command.data.userId);
  return [{ type: 'customer.lead-removed', data: { userId: lead.userId, at: command.meta.now } }];
};

const decideCustomer = (
  command: CustomerCommand,
  state: CustomerState,
  technicalLeads: TechnicalLeadsPolicy,
): CustomerEvent[] => {
  requireAdmin(command);
  switch (command.type) {
    case 'RegisterCustomer':
      return registerCustomer(command, state);
    case 'ChangeCustomer':
      return changeCustomer(command, requireRegistered(state));
    case 'NominateLead':
      return nominateLead(command, requireRegistered(state), technicalLeads);
    case 'RecordLeadTraining':
      return recordLeadTraining(command, requireRegistered(state));
    case 'RemoveLead':
      return removeLead(command, requireRegistered(state));
    default:
      return assertNever(command);
  }
};

/** The quota is judged by the policy in force when the nomination is decided. */
export const createCustomerDecider = (
  policies: PolicyRegistry,
): Decider<CustomerCommand, CustomerEvent, CustomerState> => ({
  decide: (command, state) => decideCustomer(command, state, policies.current.technicalLeads),
  evolve: evolveCustomer,
  initialState: initialCustomerState,
});

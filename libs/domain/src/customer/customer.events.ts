import type { DomainEvent } from '../decider/decider';
import type { Plan } from '../policy/policy.model';

export type CustomerRegistered = DomainEvent<
  'customer.registered',
  {
    readonly customerId: string;
    readonly name: string;
    readonly plan: Plan;
    readonly hosts: number;
    readonly timeZone: string;
    readonly holidays: readonly string[];
    readonly at: string;
  }
>;

export type CustomerPlanChanged = DomainEvent<
  'customer.plan-changed',
  { readonly from: Plan; readonly to: Plan; readonly at: string }
>;

export type CustomerHostsChanged = DomainEvent<
  'customer.hosts-changed',
  { readonly from: number; readonly to: number; readonly at: string }
>;

/** Carries the whole new calendar (zone and holidays), not a diff. */
export type CustomerCalendarChanged = DomainEvent<
  'customer.calendar-changed',
  { readonly timeZone: string; readonly holidays: readonly string[]; readonly at: string }
>;

export type LeadNominated = DomainEvent<
  'customer.lead-nominated',
  { readonly userId: string; readonly name: string; readonly email: string; readonly at: string }
>;

export type LeadTrained = DomainEvent<
  'customer.lead-trained',
  { readonly userId: string; readonly at: string }
>;

export type LeadRemoved = DomainEvent<
  'customer.lead-removed',
  { readonly userId: string; readonly at: string }
>;

export type CustomerEvent =
  | CustomerRegistered
  | CustomerPlanChanged
  | CustomerHostsChanged
  | CustomerCalendarChanged
  | LeadNominated
  | LeadTrained
  | LeadRemoved;

export const CUSTOMER_EVENT_TYPES: readonly CustomerEvent['type'][] = [
  'customer.registered',
  'customer.plan-changed',
  'customer.hosts-changed',
  'customer.calendar-changed',
  'customer.lead-nominated',
  'customer.lead-trained',
  'customer.lead-removed',
];

export const customerStreamId = (customerId: string): string => `customer-${customerId}`;

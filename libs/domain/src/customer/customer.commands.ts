import type { Command } from '../decider/decider';
import type { Plan } from '../policy/policy.model';

/** `timeZone` arrives resolved: the caller fills in the policy calendar's zone when none is given. */
export type RegisterCustomer = Command<
  'RegisterCustomer',
  {
    readonly customerId: string;
    readonly name: string;
    readonly plan: Plan;
    readonly hosts: number;
    readonly timeZone: string;
    readonly holidays: readonly string[];
  }
>;

/** Only the fields present are changed; they apply to incidents opened afterwards. */
export type ChangeCustomer = Command<
  'ChangeCustomer',
  {
    readonly plan?: Plan;
    readonly hosts?: number;
    readonly timeZone?: string;
    readonly holidays?: readonly string[];
  }
>;

export type NominateLead = Command<
  'NominateLead',
  { readonly userId: string; readonly name: string; readonly email: string }
>;

export type RecordLeadTraining = Command<'RecordLeadTraining', { readonly userId: string }>;

export type RemoveLead = Command<'RemoveLead', { readonly userId: string }>;

export type CustomerCommand =
  RegisterCustomer | ChangeCustomer | NominateLead | RecordLeadTraining | RemoveLead;

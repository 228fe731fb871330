import type { Plan } from '../policy/policy.model';
import { leadQuota, type TechnicalLeadsPolicy } from './customer.quota';
import type { CustomerState, Lead } from './customer.state';

/** The API representation of a customer; the caller adds the stream `version`. */
export interface CustomerView {
  readonly id: string;
  readonly name: string;
  readonly plan: Plan;
  readonly hosts: number;
  readonly timeZone: string;
  readonly holidays: readonly string[];
  readonly leadQuota: number;
  readonly leads: readonly Lead[];
}

/** null when the customer is not registered (the caller answers 404). */
export const customerView = (
  state: CustomerState,
  policy: { readonly technicalLeads: TechnicalLeadsPolicy },
): CustomerView | null => {
  if (state.status !== 'registered') return null;
  const { customerId, name, plan, hosts, timeZone, holidays, leads } = state;
  return {
    id: customerId,
    name,
    plan,
    hosts,
    timeZone,
    holidays,
    leadQuota: leadQuota(hosts, policy.technicalLeads),
    leads: leads.map((lead) => ({ ...lead })),
  };
};

import type { Actor, Role } from '../decider/decider';
import type { CustomerCommand } from '../customer/customer.commands';
import type { CustomerEvent } from '../customer/customer.events';
export { defaultPolicy as almaCarePolicy, registryOf } from './policy.fixtures';

/* Builders shared by the customer specs. */
export const now = '2026-11-27T16:00:00.000Z';
export const earlier = '2026-11-20T09:00:00.000Z';
export const admin: Actor = { id: 'admin-1', role: 'admin' };
export const as = (role: Role): Actor => ({ id: `${role}-1`, role });

export const command = <C extends CustomerCommand>(
  type: C['type'],
  data: C['data'],
  actor = admin,
) => ({ type, data, meta: { now, actor } }) as C;

export const registered = (hosts = 1000): CustomerEvent => ({
  type: 'customer.registered',
  data: {
    customerId: 'acme',
    name: 'Acme',
    plan: 'essential',
    hosts,
    timeZone: 'Europe/Berlin',
    holidays: ['2026-12-25'],
    at: earlier,
  },
});
export const nominated = (n: number, at = earlier): CustomerEvent => ({
  type: 'customer.lead-nominated',
  data: { userId: `u${n}`, name: `Lead ${n}`, email: `lead${n}@acme.test`, at },
});
export const leads = (count: number): CustomerEvent[] =>
  Array.from({ length: count }, (_, index) => nominated(index + 1));
export const nominate = (n: number, actor = admin) =>
  command(
    'NominateLead',
    { userId: `u${n}`, name: `Lead ${n}`, email: `lead${n}@acme.test` },
    actor,
  );
export const hostsChanged = (from: number, to: number): CustomerEvent => ({
  type: 'customer.hosts-changed',
  data: { from, to, at: earlier },
});

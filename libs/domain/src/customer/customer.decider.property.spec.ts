import fc from 'fast-check';
import { fold, ROLES, type Role } from '../decider/decider';
import { DomainError } from '../decider/domain-error';
import type { CustomerCommand } from './customer.commands';
import { createCustomerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';
import { almaCarePolicy, registryOf } from '../testing/customer.fixtures';
import { leadQuota } from './customer.quota';
import type { CustomerState } from './customer.state';
import { customerView } from './customer.view';

const decider = createCustomerDecider(registryOf(almaCarePolicy));
const policy = almaCarePolicy.technicalLeads;

const role = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Role>('admin') },
  { weight: 1, arbitrary: fc.constantFrom(...ROLES) },
);
const hosts = fc.oneof(
  fc.integer({ min: 1, max: 5000 }),
  fc.constantFrom(0, 1000, 1001, 4001, 100000),
);
const user = fc.integer({ min: 1, max: 12 });
const email = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.boolean())
  .map(([n, shout]) => (shout ? `LEAD${n}@ACME.TEST` : `lead${n}@acme.test`));

const step = fc.record({
  role,
  body: fc.oneof(
    {
      weight: 1,
      arbitrary: hosts.map(
        (h) =>
          ({
            type: 'RegisterCustomer',
            data: {
              customerId: 'acme',
              name: 'Acme',
              plan: 'essential',
              hosts: h,
              timeZone: 'UTC',
              holidays: [],
            },
          }) as const,
      ),
    },
    {
      weight: 2,
      arbitrary: hosts.map((h) => ({ type: 'ChangeCustomer', data: { hosts: h } }) as const),
    },
    {
      weight: 5,
      arbitrary: fc.tuple(user, email).map(
        ([u, e]) =>
          ({
            type: 'NominateLead',
            data: { userId: `u${u}`, name: `Lead ${u}`, email: e },
          }) as const,
      ),
    },
    {
      weight: 2,
      arbitrary: user.map(
        (u) => ({ type: 'RecordLeadTraining', data: { userId: `u${u}` } }) as const,
      ),
    },
    {
      weight: 2,
      arbitrary: user.map((u) => ({ type: 'RemoveLead', data: { userId: `u${u}` } }) as const),
    },
  ),
});

/** The rules restated as plainly as possible: the oracle the decider is checked against. */
interface Model {
  registered: boolean;
  hosts: number;
  leads: Map<string, { email: string; trained: boolean }>;
}
type Outcome = { readonly refused: string } | { readonly types: readonly string[] };

const expectOutcome = (model: Model, command: CustomerCommand): Outcome => {
  if (command.meta.actor.role !== 'admin') return { refused: 'forbidden' };
  if (command.type === 'RegisterCustomer') {
    if (model.registered) return { refused: 'customer-exists' };
    if (command.data.hosts < 1) return { refused: 'invalid-hosts' };
    model.registered = true;
    model.hosts = command.data.hosts;
    return { types: ['customer.registered'] };
  }
  if (!model.registered) return { refused: 'customer-not-found' };
  switch (command.type) {
    case 'ChangeCustomer': {
      const to = command.data.hosts ?? model.hosts;
      if (to < 1) return { refused: 'invalid-hosts' };
      if (to === model.hosts) return { types: [] };
      model.hosts = to;
      return { types: ['customer.hosts-changed'] };
    }
    case 'NominateLead': {
      const { userId, email } = command.data;
      if (model.leads.has(userId)) return { refused: 'lead-already-nominated' };
      const lower = email.toLowerCase();
      if ([...model.leads.values()].some((lead) => lead.email === lower))
        return { refused: 'lead-email-taken' };
      if (model.leads.size >= leadQuota(model.hosts, policy))
        return { refused: 'lead-quota-exceeded' };
      model.leads.set(userId, { email: lower, trained: false });
      return { types: ['customer.lead-nominated'] };
    }
    case 'RecordLeadTraining': {
      const lead = model.leads.get(command.data.userId);
      if (!lead) return { refused: 'lead-not-found' };
      if (lead.trained) return { types: [] };
      lead.trained = true;
      return { types: ['customer.lead-trained'] };
    }
    case 'RemoveLead':
      if (!model.leads.delete(command.data.userId)) return { refused: 'lead-not-found' };
      return { types: ['customer.lead-removed'] };
  }
};

const observe = (state: CustomerState) => {
  const view = customerView(state, almaCarePolicy);
  return (
    view && {
      hosts: view.hosts,
      leads: view.leads
        .map((lead) => [lead.userId, lead.email.toLowerCase(), lead.trained] as const)
        .sort(),
    }
  );
};
const observeModel = (model: Model) =>
  model.registered
    ? {
        hosts: model.hosts,
        leads: [...model.leads]
          .map(([userId, lead]) => [userId, lead.email, lead.trained] as const)
          .sort(),
      }
    : null;

describe('customer decider properties', () => {
  it('agrees with the plain rules, replays to the same state and never nominates past the quota', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const model: Model = { registered: false, hosts: 0, leads: new Map() };
        const log: CustomerEvent[] = [];
        let state = decider.initialState;
        steps.forEach(({ role: stepRole, body }, index) => {
          const command = {
            ...body,
            meta: {
              now: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
              actor: { id: 'x', role: stepRole },
            },
          } as CustomerCommand;
          const expected = expectOutcome(model, command);
          let produced: readonly CustomerEvent[] = [];
          try {
            produced = decider.decide(command, state);
            expect(expected).toEqual({ types: produced.map((event) => event.type) });
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
            expect(expected).toEqual({ refused: (error as DomainError).code });
          }
          for (const event of produced) {
            if (event.type === 'customer.lead-nominated' && state.status === 'registered') {
              expect(state.leads.length).toBeLessThan(leadQuota(state.hosts, policy));
            }
            state = decider.evolve(state, event);
            log.push(event);
          }
          expect(observe(state)).toEqual(observeModel(model));
        });
        expect(fold(decider, log)).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  const anyEvent: fc.Arbitrary<CustomerEvent> = fc.oneof(
    hosts.map(
      (h) =>
        ({
          type: 'customer.registered',
          data: {
            customerId: 'acme',
            name: 'Acme',
            plan: 'enhanced',
            hosts: h,
            timeZone: 'UTC',
            holidays: [],
            at: 'x',
          },
        }) as const,
    ),
    fc
      .tuple(hosts, hosts)
      .map(
        ([from, to]) => ({ type: 'customer.hosts-changed', data: { from, to, at: 'x' } }) as const,
      ),
    fc.constant({
      type: 'customer.plan-changed',
      data: { from: 'enhanced', to: 'essential', at: 'x' },
    } as const),
    fc.constant({
      type: 'customer.calendar-changed',
      data: { timeZone: 'UTC', holidays: ['2026-12-25'], at: 'x' },
    } as const),
    fc.tuple(user, email).map(
      ([u, e]) =>
        ({
          type: 'customer.lead-nominated',
          data: { userId: `u${u}`, name: 'n', email: e, at: 'x' },
        }) as const,
    ),
    user.map(
      (u) => ({ type: 'customer.lead-trained', data: { userId: `u${u}`, at: 'x' } }) as const,
    ),
    user.map(
      (u) => ({ type: 'customer.lead-removed', data: { userId: `u${u}`, at: 'x' } }) as const,
    ),
    fc.constant({ type: 'customer.from-the-future', data: {} } as unknown as CustomerEvent),
  );

  it('evolve never throws, whatever the order of the events', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 40 }), (events) => {
        expect(() => fold(decider, events)).not.toThrow();
      }),
    );
  });
});

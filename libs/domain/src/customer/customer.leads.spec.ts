import { DeciderSpecification } from '../testing/decider-specification';
import { createCustomerDecider } from './customer.decider';
import type { CustomerEvent } from './customer.events';
import {
  almaCarePolicy,
  registryOf,
  now,
  earlier,
  command,
  registered,
  nominated,
  leads,
  nominate,
  hostsChanged,
} from '../testing/customer.fixtures';

const decider = createCustomerDecider(registryOf(almaCarePolicy));
const spec = DeciderSpecification.for(decider);

describe('customer technical leads', () => {
  describe('NominateLead', () => {
    it('nominates a lead', () =>
      spec
        .given([registered()])
        .when(nominate(1))
        .then([
          {
            type: 'customer.lead-nominated',
            data: { userId: 'u1', name: 'Lead 1', email: 'lead1@acme.test', at: now },
          },
        ]));

    it.each([
      [1000, 2],
      [1001, 4],
      [4000, 8],
      [4001, 10],
      [100000, 10],
    ])('with %p hosts nominates up to %p leads, then refuses', (hosts, quota) => {
      spec
        .given([registered(hosts), ...leads(quota - 1)])
        .when(nominate(quota))
        .then([nominated(quota, now)]);
      spec
        .given([registered(hosts), ...leads(quota)])
        .when(nominate(quota + 1))
        .thenRefuses('lead-quota-exceeded', { quota, leads: quota, hosts });
    });

    it('refuses a user who is already a lead', () =>
      spec
        .given([registered(), nominated(1)])
        .when(command('NominateLead', { userId: 'u1', name: 'Again', email: 'other@acme.test' }))
        .thenRefuses('lead-already-nominated'));

    it('refuses an email already used by a lead, ignoring case', () =>
      spec
        .given([registered(), nominated(1)])
        .when(command('NominateLead', { userId: 'u9', name: 'Nine', email: ' LEAD1@Acme.Test' }))
        .thenRefuses('lead-email-taken', { userId: 'u1' }));

    it('refuses an unknown customer', () =>
      spec.given([]).when(nominate(1)).thenRefuses('customer-not-found'));
  });

  describe('hosts lowered below what the current leads need', () => {
    const history = [registered(2000), ...leads(4)];

    it('is allowed and keeps every lead', () => {
      spec
        .given(history)
        .when(command('ChangeCustomer', { hosts: 500 }))
        .then([{ type: 'customer.hosts-changed', data: { from: 2000, to: 500, at: now } }]);
      const state = [...history, hostsChanged(2000, 500)].reduce(
        decider.evolve,
        decider.initialState,
      );
      expect(state.status === 'registered' && state.leads.map((lead) => lead.userId)).toEqual([
        'u1',
        'u2',
        'u3',
        'u4',
      ]);
    });

    it('refuses nominations until the leads are under quota again', () => {
      const lowered = [...history, hostsChanged(2000, 500)];
      spec.given(lowered).when(nominate(5)).thenRefuses('lead-quota-exceeded', {
        quota: 2,
        leads: 4,
        hosts: 500,
      });
      const removed = (n: number): CustomerEvent => ({
        type: 'customer.lead-removed',
        data: { userId: `u${n}`, at: earlier },
      });
      spec
        .given([...lowered, removed(1), removed(2)])
        .when(nominate(5))
        .thenRefuses('lead-quota-exceeded');
      spec
        .given([...lowered, removed(1), removed(2), removed(3)])
        .when(nominate(5))
        .then([nominated(5, now)]);
    });
  });

  describe('RecordLeadTraining', () => {
    it('records training', () =>
      spec
        .given([registered(), nominated(1)])
        .when(command('RecordLeadTraining', { userId: 'u1' }))
        .then([{ type: 'customer.lead-trained', data: { userId: 'u1', at: now } }]));

    it('records nothing when the lead is already trained', () =>
      spec
        .given([
          registered(),
          nominated(1),
          { type: 'customer.lead-trained', data: { userId: 'u1', at: earlier } },
        ])
        .when(command('RecordLeadTraining', { userId: 'u1' }))
        .thenNothing());

    it('refuses an unknown lead', () =>
      spec
        .given([registered()])
        .when(command('RecordLeadTraining', { userId: 'u1' }))
        .thenRefuses('lead-not-found', { userId: 'u1' }));
  });

  describe('RemoveLead', () => {
    it('removes a lead', () =>
      spec
        .given([registered(), nominated(1)])
        .when(command('RemoveLead', { userId: 'u1' }))
        .then([{ type: 'customer.lead-removed', data: { userId: 'u1', at: now } }]));

    it('refuses an unknown lead', () =>
      spec
        .given([registered(), nominated(1)])
        .when(command('RemoveLead', { userId: 'u2' }))
        .thenRefuses('lead-not-found'));

    it('lets a removed lead be nominated again, untrained', () => {
      const history: CustomerEvent[] = [
        registered(),
        nominated(1),
        { type: 'customer.lead-trained', data: { userId: 'u1', at: earlier } },
        { type: 'customer.lead-removed', data: { userId: 'u1', at: earlier } },
        nominated(1),
      ];
      const state = history.reduce(decider.evolve, decider.initialState);
      expect(state.status === 'registered' && state.leads).toEqual([
        {
          userId: 'u1',
          name: 'Lead 1',
          email: 'lead1@acme.test',
          trained: false,
          nominatedAt: earlier,
          trainedAt: null,
        },
      ]);
    });
  });
});

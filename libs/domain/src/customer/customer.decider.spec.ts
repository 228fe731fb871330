import type { Role } from '../decider/decider';
import { DomainError, NotFoundError } from '../decider/domain-error';
import { DeciderSpecification } from '../testing/decider-specification';
import type { CustomerCommand } from './customer.commands';
import { createCustomerDecider } from './customer.decider';
import {
  almaCarePolicy,
  registryOf,
  now,
  as,
  command,
  registered,
  nominated,
  nominate,
} from '../testing/customer.fixtures';

const decider = createCustomerDecider(registryOf(almaCarePolicy));
const spec = DeciderSpecification.for(decider);

describe('customer decider', () => {
  describe('RegisterCustomer', () => {
    const register = command('RegisterCustomer', {
      customerId: 'acme',
      name: 'Acme',
      plan: 'essential',
      hosts: 1000,
      timeZone: 'Europe/Berlin',
      holidays: ['2026-12-25', '2026-12-24', '2026-12-25'],
    });

    it('registers a customer, holidays as a sorted set', () =>
      spec
        .given([])
        .when(register)
        .then([
          {
            type: 'customer.registered',
            data: {
              customerId: 'acme',
              name: 'Acme',
              plan: 'essential',
              hosts: 1000,
              timeZone: 'Europe/Berlin',
              holidays: ['2026-12-24', '2026-12-25'],
              at: now,
            },
          },
        ]));

    it('refuses a second registration', () =>
      spec.given([registered()]).when(register).thenRefuses('customer-exists'));

    it.each([0, -5, 1.5, Number.NaN])('refuses %p hosts', (hosts) =>
      spec
        .given([])
        .when(command('RegisterCustomer', { ...register.data, hosts }))
        .thenRefuses('invalid-hosts'),
    );

    it('refuses a time zone that is not IANA', () =>
      spec
        .given([])
        .when(command('RegisterCustomer', { ...register.data, timeZone: 'Mars/Olympus' }))
        .thenRefuses('invalid-time-zone'));

    it('refuses holidays that are not calendar dates', () =>
      spec
        .given([])
        .when(command('RegisterCustomer', { ...register.data, holidays: ['2026-02-30', 'xmas'] }))
        .thenRefuses('invalid-holiday', { invalid: ['2026-02-30', 'xmas'] }));
  });

  describe('ChangeCustomer', () => {
    it('records only what actually changes', () =>
      spec
        .given([registered()])
        .when(
          command('ChangeCustomer', { plan: 'enhanced', hosts: 1000, timeZone: 'Europe/Berlin' }),
        )
        .then([
          { type: 'customer.plan-changed', data: { from: 'essential', to: 'enhanced', at: now } },
        ]));

    it('records plan, hosts and calendar changes together', () =>
      spec
        .given([registered()])
        .when(
          command('ChangeCustomer', {
            plan: 'enhanced',
            hosts: 2500,
            holidays: ['2027-01-01', '2026-12-25'],
          }),
        )
        .then([
          { type: 'customer.plan-changed', data: { from: 'essential', to: 'enhanced', at: now } },
          { type: 'customer.hosts-changed', data: { from: 1000, to: 2500, at: now } },
          {
            type: 'customer.calendar-changed',
            data: { timeZone: 'Europe/Berlin', holidays: ['2026-12-25', '2027-01-01'], at: now },
          },
        ]));

    it('records a time zone change with the current holidays', () =>
      spec
        .given([registered()])
        .when(command('ChangeCustomer', { timeZone: 'America/New_York' }))
        .then([
          {
            type: 'customer.calendar-changed',
            data: { timeZone: 'America/New_York', holidays: ['2026-12-25'], at: now },
          },
        ]));

    it('records nothing when nothing changes', () =>
      spec
        .given([registered()])
        .when(command('ChangeCustomer', { plan: 'essential', holidays: ['2026-12-25'] }))
        .thenNothing());

    it('refuses an unknown customer with a not-found error', () => {
      spec
        .given([])
        .when(command('ChangeCustomer', { hosts: 5 }))
        .thenRefuses('customer-not-found');
      expect(() =>
        decider.decide(command('ChangeCustomer', { hosts: 5 }), decider.initialState),
      ).toThrow(NotFoundError);
    });

    it('refuses invalid hosts', () =>
      spec
        .given([registered()])
        .when(command('ChangeCustomer', { hosts: 0 }))
        .thenRefuses('invalid-hosts'));
  });

  describe('roles', () => {
    const commands: CustomerCommand[] = [
      command('RegisterCustomer', {
        customerId: 'acme',
        name: 'Acme',
        plan: 'essential',
        hosts: 10,
        timeZone: 'UTC',
        holidays: [],
      }),
      command('ChangeCustomer', { hosts: 5 }),
      nominate(1),
      command('RecordLeadTraining', { userId: 'u1' }),
      command('RemoveLead', { userId: 'u1' }),
    ];
    const others: Role[] = [
      'customer-lead',
      'engineer',
      'senior-engineer',
      'team-lead',
      'cxo',
      'ops',
      'system',
    ];

    it.each(others)('refuses every command from %s, before anything else', (role) => {
      for (const refused of commands) {
        spec
          .given([registered(), nominated(1)])
          .when({ ...refused, meta: { now, actor: as(role) } })
          .thenRefuses('forbidden');
      }
    });

    it('throws DomainErrors only', () => {
      expect(() => decider.decide(nominate(1, as('ops')), decider.initialState)).toThrow(
        DomainError,
      );
    });
  });
});

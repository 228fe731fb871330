import type { CustomerEvent } from './customer.events';
import { almaCarePolicy } from '../testing/customer.fixtures';
import { leadQuota } from './customer.quota';
import { evolveCustomer, initialCustomerState } from './customer.state';
import { customerView } from './customer.view';

describe('leadQuota', () => {
  it.each([
    [1, 2],
    [1000, 2],
    [1001, 4],
    [2000, 4],
    [2001, 6],
    [4000, 8],
    [4001, 10],
    [100000, 10],
  ])('%p hosts allow %p leads', (hosts, quota) =>
    expect(leadQuota(hosts, almaCarePolicy.technicalLeads)).toBe(quota),
  );

  it('follows the policy numbers', () =>
    expect(leadQuota(250, { leads: 1, per: 100, max: 5 })).toBe(3));
});

describe('customerView', () => {
  it('is null before registration', () =>
    expect(customerView(initialCustomerState, almaCarePolicy)).toBeNull());

  it('shows the customer with its quota and leads', () => {
    const events: CustomerEvent[] = [
      {
        type: 'customer.registered',
        data: {
          customerId: 'acme',
          name: 'Acme',
          plan: 'enhanced',
          hosts: 1500,
          timeZone: 'Europe/Berlin',
          holidays: [],
          at: '2026-11-01T00:00:00.000Z',
        },
      },
      {
        type: 'customer.lead-nominated',
        data: { userId: 'u1', name: 'Ann', email: 'ann@acme.test', at: '2026-11-02T00:00:00.000Z' },
      },
      { type: 'customer.lead-trained', data: { userId: 'u1', at: '2026-11-03T00:00:00.000Z' } },
    ];
    expect(
      customerView(events.reduce(evolveCustomer, initialCustomerState), almaCarePolicy),
    ).toEqual({
      id: 'acme',
      name: 'Acme',
      plan: 'enhanced',
      hosts: 1500,
      timeZone: 'Europe/Berlin',
      holidays: [],
      leadQuota: 4,
      leads: [
        {
          userId: 'u1',
          name: 'Ann',
          email: 'ann@acme.test',
          trained: true,
          nominatedAt: '2026-11-02T00:00:00.000Z',
          trainedAt: '2026-11-03T00:00:00.000Z',
        },
      ],
    });
  });
});

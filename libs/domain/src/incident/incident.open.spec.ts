import { DeciderSpecification } from '../testing/decider-specification';
import {
  admin,
  customer,
  decider,
  engineer,
  lead,
  openCommand,
  opened,
  otherLead,
  untrainedLead,
} from '../testing/incident.fixtures';
import type { IncidentOpened } from './incident.events';

const spec = DeciderSpecification.for(decider);
const FRI_1600 = '2026-11-27T16:00:00.000Z';

describe('Opening an incident', () => {
  it('records the incident with the plan, policy version, calendar and response deadline it lives under', () => {
    spec
      .given([])
      .when(
        openCommand(FRI_1600, {
          severity: 2,
          customer: customer('enhanced', { holidays: ['2026-12-24'] }),
        }),
      )
      .thenEvents(([event]) => {
        const opened = event as IncidentOpened;
        expect(opened.type).toBe('incident.opened');
        expect(opened.data).toMatchObject({
          incidentId: 'inc-1',
          number: 'INC-1042',
          customerId: 'acme',
          plan: 'enhanced',
          policyVersion: '2023-04',
          kind: 'incident',
          severity: 2,
          channel: 'web',
          reportedBy: lead.id,
          receivedAt: FRI_1600,
          responseTarget: 'PT2H',
          responseDueAt: '2026-11-27T18:00:00.000Z',
          responseAtRiskAt: '2026-11-27T17:30:00.000Z',
        });
        expect(opened.data.calendar).toMatchObject({ timeZone: 'UTC', holidays: ['2026-12-24'] });
      });
  });

  it('gives a service request severity 4 when none is given', () => {
    const [event] = opened(FRI_1600, { kind: 'service-request', severity: null });
    expect((event as IncidentOpened).data.severity).toBe(4);
  });

  it('refuses an incident without a severity', () => {
    spec
      .given([])
      .when(openCommand(FRI_1600, { severity: null }))
      .thenRefuses('severity-required');
  });

  it('refuses a lead whose training is not recorded', () => {
    spec
      .given([])
      .when(openCommand(FRI_1600, { actor: untrainedLead }))
      .thenRefuses('lead-not-trained');
  });

  it('refuses a user who is not a nominated lead of the customer', () => {
    spec
      .given([])
      .when(
        openCommand(FRI_1600, { actor: { id: 'stranger', role: 'customer-lead', org: 'acme' } }),
      )
      .thenRefuses('not-a-lead');
  });

  it("refuses a lead acting for another customer's account", () => {
    spec
      .given([])
      .when(openCommand(FRI_1600, { actor: otherLead }))
      .thenRefuses('customer-not-found');
  });

  it('refuses when the customer is not registered', () => {
    spec
      .given([])
      .when(openCommand(FRI_1600, { customer: null }))
      .thenRefuses('customer-not-found');
  });

  it.each([engineer, admin])('refuses %o: only leads open incidents', (actor) => {
    spec.given([]).when(openCommand(FRI_1600, { actor })).thenRefuses('forbidden');
  });

  it('refuses a category the plan does not cover, listing the covered ones', () => {
    spec
      .given([])
      .when(openCommand(FRI_1600, { plan: 'essential', category: 'nginx' }))
      .thenRefuses('category-not-covered', {
        covered: ['installation-update', 'migration', 'eportal', 'live-patching', 'os-bug'],
      });
  });

  it('lets Enhanced open what Essential covers', () => {
    expect(opened(FRI_1600, { plan: 'enhanced', category: 'live-patching' })).toHaveLength(1);
  });

  it('refuses email from an Essential customer (email is Enhanced only)', () => {
    spec
      .given([])
      .when(
        openCommand(FRI_1600, { plan: 'essential', channel: 'email', category: 'unclassified' }),
      )
      .thenRefuses('channel-not-allowed');
  });

  it('opens an email incident as unclassified for Enhanced, but not over the web', () => {
    expect(opened(FRI_1600, { channel: 'email', category: 'unclassified' })).toHaveLength(1);
    spec
      .given([])
      .when(openCommand(FRI_1600, { category: 'unclassified' }))
      .thenRefuses('category-not-covered');
  });

  it('refuses to open the same incident twice', () => {
    spec.given(opened(FRI_1600)).when(openCommand(FRI_1600)).thenRefuses('incident-exists');
  });
});

describe('The response-time table, end to end through the decider', () => {
  // Received Friday 16:00 UTC in the default calendar (Mon-Fri, whole days, UTC).
  const cases: Array<['essential' | 'enhanced', 1 | 2 | 3 | 4, string]> = [
    ['essential', 1, '2026-11-27T18:00:00.000Z'], // 2 hours
    ['essential', 2, '2026-11-28T04:00:00.000Z'], // 12 hours, calendar time
    ['essential', 3, '2026-12-01T16:00:00.000Z'], // 2 business days: Mon, Tue
    ['essential', 4, '2026-12-04T16:00:00.000Z'], // 5 business days
    ['enhanced', 1, '2026-11-27T16:30:00.000Z'], // 30 minutes
    ['enhanced', 2, '2026-11-27T18:00:00.000Z'], // 2 hours
    ['enhanced', 3, '2026-11-28T04:00:00.000Z'], // 12 hours
    ['enhanced', 4, '2026-12-01T16:00:00.000Z'], // 2 business days
  ];
  it.each(cases)('%s severity %i is due %s', (plan, severity, due) => {
    const [event] = opened(FRI_1600, { plan, severity, category: 'os-bug' });
    expect((event as IncidentOpened).data.responseDueAt).toBe(due);
  });

  it('puts the at-risk point at 75% of the target, in business time for business-day targets', () => {
    const [event] = opened(FRI_1600, { plan: 'essential', severity: 3, category: 'os-bug' });
    // 1.5 of 2 business days: the rest of Friday (8h), Monday (24h), then 4h of Tuesday.
    expect((event as IncidentOpened).data.responseAtRiskAt).toBe('2026-12-01T04:00:00.000Z');
  });

  it("counts business days in the customer's own time zone and holidays", () => {
    const berlin = customer('essential', { timeZone: 'Europe/Berlin', holidays: ['2026-11-30'] });
    // Friday 17:00 Berlin; Monday is the customer's holiday: Tue and Wed count, due Wed 17:00 Berlin.
    const [event] = opened(FRI_1600, {
      plan: 'essential',
      severity: 3,
      category: 'os-bug',
      customer: berlin,
    });
    expect((event as IncidentOpened).data.responseDueAt).toBe('2026-12-02T16:00:00.000Z');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addDuration } from '../calendar/business-time';
import { ALMACARE_POLICY_YAML, almacarePolicy } from './almacare.policy';
import { SEVERITIES, type Plan, type Severity } from './policy.model';

const shippedFile = join(__dirname, '../../../../policy/almacare.yaml');

describe('the default AlmaCare policy', () => {
  it('is the same text as policy/almacare.yaml at the repository root', () => {
    expect(ALMACARE_POLICY_YAML).toBe(readFileSync(shippedFile, 'utf8'));
  });

  it('loads, with the program, version and default calendar of the document', () => {
    const policy = almacarePolicy();
    expect(policy.program).toBe('almacare');
    expect(policy.version).toBe('2023-04');
    expect(policy.calendar).toEqual({
      timeZone: 'UTC',
      workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'],
      workingHours: null,
      holidays: [],
    });
  });

  it('gives the eight response targets of the table', () => {
    const { plans } = almacarePolicy();
    const table = (plan: Plan) =>
      SEVERITIES.map((severity) => {
        const target = plans[plan].responseTargets[severity];
        return target.kind === 'calendar' ? target.iso : `${target.businessDays} business days`;
      });
    expect(table('essential')).toEqual(['PT2H', 'PT12H', '2 business days', '5 business days']);
    expect(table('enhanced')).toEqual(['PT30M', 'PT2H', 'PT12H', '2 business days']);
  });

  it('gives Enhanced everything Essential covers, plus its own applications', () => {
    const { plans } = almacarePolicy();
    expect(plans.enhanced.includes).toBe('essential');
    expect(plans.enhanced.coverage).toEqual(expect.arrayContaining([...plans.essential.coverage]));
    expect(plans.enhanced.coverage).toEqual(
      expect.arrayContaining(['nginx', 'kubernetes', 'configuration']),
    );
    expect(plans.essential.coverage).not.toContain('nginx');
    expect(plans.enhanced.channels).toEqual(['web', 'email']);
    expect(plans.essential.channels).toEqual(['web']);
  });

  it('gives the status report rules, customer side, reopen window, lead quota and escalation levels', () => {
    const policy = almacarePolicy();
    expect(policy.responseSla.warnAt).toBe(0.75);
    expect(policy.statusReports.rules).toEqual({
      1: {
        kind: 'agreed',
        default: { kind: 'calendar', iso: 'P1D', days: 1, ms: 0 },
        minInterval: { kind: 'calendar', iso: 'P1D', days: 1, ms: 0 },
      },
      2: { kind: 'every', every: { kind: 'business', businessDays: 3 } },
      3: { kind: 'every', every: { kind: 'calendar', iso: 'P14D', days: 14, ms: 0 } },
      4: { kind: 'on-request', within: { kind: 'business', businessDays: 2 } },
    });
    expect(policy.statusReports.pauseWhileAwaitingCustomer).toBe(true);
    expect(policy.customerSide.limit).toMatchObject({ iso: 'P7D' });
    expect(
      policy.customerSide.reminders.map((reminder) => reminder.kind === 'calendar' && reminder.iso),
    ).toEqual(['P2D', 'P1D']);
    expect(policy.reopenWindow).toMatchObject({ iso: 'P14D' });
    expect(policy.technicalLeads).toEqual({ leads: 2, per: 1000, max: 10 });
    expect(policy.escalation.levels).toEqual({ 1: 'senior-engineer', 2: 'team-lead', 3: 'cxo' });
  });

  it('is frozen, so the one shared copy cannot be changed by accident', () => {
    const policy = almacarePolicy();
    expect(almacarePolicy()).toBe(policy);
    expect(Object.isFrozen(policy.plans.enhanced.coverage)).toBe(true);
    expect(Object.isFrozen(policy.statusReports.rules[1])).toBe(true);
  });
});

describe('the eight cells of the response-time table computed from the default policy', () => {
  // Received Fri 2026-11-27 16:00 UTC, default calendar (UTC, Mon-Fri).
  const receivedAt = Date.parse('2026-11-27T16:00:00Z');
  const cells: [Plan, Severity, string][] = [
    ['essential', 1, '2026-11-27T18:00:00.000Z'], // PT2H: Fri 18:00
    ['essential', 2, '2026-11-28T04:00:00.000Z'], // PT12H: Sat 04:00, calendar time runs on weekends
    ['essential', 3, '2026-12-01T16:00:00.000Z'], // 2 business days: Tue 16:00
    ['essential', 4, '2026-12-04T16:00:00.000Z'], // 5 business days: Fri 16:00
    ['enhanced', 1, '2026-11-27T16:30:00.000Z'], // PT30M: Fri 16:30
    ['enhanced', 2, '2026-11-27T18:00:00.000Z'], // PT2H: Fri 18:00
    ['enhanced', 3, '2026-11-28T04:00:00.000Z'], // PT12H: Sat 04:00
    ['enhanced', 4, '2026-12-01T16:00:00.000Z'], // 2 business days: Tue 16:00
  ];

  it.each(cells)(
    'given %s severity %d received Fri 16:00, then the response is due %s',
    (plan, severity, expected) => {
      const policy = almacarePolicy();
      const deadline = addDuration(
        policy.calendar,
        receivedAt,
        policy.plans[plan].responseTargets[severity],
      );
      expect(new Date(deadline).toISOString()).toBe(expected);
    },
  );
});

import {
  almacarePolicy,
  createIncidentDecider,
  evolveIncident,
  initialIncidentState,
  pendingTimers,
  type Actor,
  type IncidentCommand,
  type IncidentState,
} from '@engine/domain';
import { timerCommandId, timerJob, timerJobId } from './timer-job';

const policy = almacarePolicy(); // Mon-Fri UTC; S2 reports every 3 business days
const decider = createIncidentDecider({ current: policy, byVersion: () => policy });
const lead: Actor = { id: 'lead-1', role: 'customer-lead', org: 'acme' };
const engineer: Actor = { id: 'eng-1', role: 'engineer' };

const run = (
  commands: ReadonlyArray<[IncidentCommand['type'], unknown, string, Actor]>,
): IncidentState =>
  commands.reduce((state, [type, data, now, actor]) => {
    const command = { type, data, meta: { now, actor } } as IncidentCommand;
    return decider.decide(command, state).reduce(evolveIncident, state);
  }, initialIncidentState);

const open = (
  incidentId: string,
  now: string,
): [IncidentCommand['type'], unknown, string, Actor] => [
  'OpenIncident',
  {
    incidentId,
    number: 'INC-1',
    kind: 'incident',
    severity: 2,
    category: 'nginx',
    title: 't',
    description: 'd',
    channel: 'web',
    relatedIncidentId: null,
    policyVersion: policy.version,
    customer: {
      customerId: 'acme',
      plan: 'enhanced',
      timeZone: 'UTC',
      holidays: [],
      leads: [{ userId: 'lead-1', trained: true }],
    },
  },
  now,
  lead,
];

const jobsOf = (state: IncidentState) => pendingTimers(state).map((timer) => timerJob(timer));

describe('timer jobs derived from an incident', () => {
  // Friday 27 November 2026, 16:00 UTC: the first response of an Enhanced severity 2 incident.
  const responded = run([
    open('inc-1', '2026-11-27T15:00:00.000Z'),
    ['Respond', { message: 'On it' }, '2026-11-27T16:00:00.000Z', engineer],
  ]);

  it('S2 business days: the report is due 3 working days later, over the weekend (Wed 16:00)', () => {
    expect(jobsOf(responded)).toEqual([
      {
        id: `inc-1-status-report-due-${Date.parse('2026-12-02T16:00:00.000Z')}`,
        data: {
          incidentId: 'inc-1',
          kind: 'status-report-due',
          dueAt: '2026-12-02T16:00:00.000Z',
          command: { type: 'CheckStatusReport' },
        },
      },
    ]);
  });

  it('S2 business days: a stay on the customer side pauses the report clock, which resumes with what was left', () => {
    const waiting = run([
      open('inc-1', '2026-11-27T15:00:00.000Z'),
      ['Respond', { message: 'On it' }, '2026-11-27T16:00:00.000Z', engineer],
      [
        'RequestInformation',
        { message: 'Logs?', kind: 'information' },
        '2026-11-30T10:00:00.000Z',
        engineer,
      ],
    ]);
    expect(jobsOf(waiting).map((job) => job.data.kind)).toEqual([
      'customer-reminder',
      'customer-reminder',
      'customer-side-timeout',
    ]);
    const back = run([
      open('inc-1', '2026-11-27T15:00:00.000Z'),
      ['Respond', { message: 'On it' }, '2026-11-27T16:00:00.000Z', engineer],
      [
        'RequestInformation',
        { message: 'Logs?', kind: 'information' },
        '2026-11-30T10:00:00.000Z',
        engineer,
      ],
      ['ReplyAsCustomer', { message: 'Attached' }, '2026-12-01T10:00:00.000Z', lead],
    ]);
    // One working day spent on the customer's side: Wednesday 16:00 becomes Thursday 16:00.
    expect(jobsOf(back).map((job) => job.data.dueAt)).toEqual(['2026-12-03T16:00:00.000Z']);
  });

  it('before a response: at-risk and breach, each with an id of its own', () => {
    const fresh = run([open('inc-1', '2026-11-27T15:00:00.000Z')]);
    expect(jobsOf(fresh).map((job) => job.id)).toEqual([
      `inc-1-response-at-risk-${Date.parse('2026-11-27T16:30:00.000Z')}`,
      `inc-1-response-breach-${Date.parse('2026-11-27T17:00:00.000Z')}`,
    ]);
  });

  it('customer reminders carry their number in the id', () => {
    const waiting = run([
      open('inc-1', '2026-11-27T15:00:00.000Z'),
      [
        'RequestInformation',
        { message: 'Logs?', kind: 'information' },
        '2026-11-27T15:30:00.000Z',
        engineer,
      ],
    ]);
    const ids = jobsOf(waiting).map((job) => job.id);
    expect(ids).toEqual([
      `inc-1-customer-reminder-0-${Date.parse('2026-12-02T15:30:00.000Z')}`,
      `inc-1-customer-reminder-1-${Date.parse('2026-12-03T15:30:00.000Z')}`,
      `inc-1-customer-side-timeout-${Date.parse('2026-12-04T15:30:00.000Z')}`,
    ]);
  });

  it('ids BullMQ accepts: never a `:`, never an integer, and unique for ids that differ only there', () => {
    const timer = pendingTimers(run([open('a:b,c', '2026-11-27T15:00:00.000Z')]))[0]!;
    const id = timerJobId(timer);
    expect(id).not.toContain(':');
    expect(id).not.toContain(',');
    expect(id.startsWith('a%3Ab%2Cc-response-at-risk-')).toBe(true);
    const other = timerJobId({ ...timer, incidentId: 'a%3Ab,c' });
    expect(other).not.toBe(id);
    expect(timerCommandId(id)).toBe(`timer:${id}`);
  });
});

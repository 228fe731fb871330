import { DeciderSpecification } from '../testing/decider-specification';
import {
  cmd,
  decider,
  engineer,
  history,
  lead,
  openCommand,
  stateOf,
  system,
} from '../testing/incident.fixtures';
import type { IncidentCommand } from './incident.commands';

const spec = DeciderSpecification.for(decider);
const FRI_1600 = '2026-11-27T16:00:00.000Z';
const ask = (now: string, kind: 'information' | 'reproduction' | 'remote-access' = 'information') =>
  cmd('RequestInformation', { message: 'Please send the nginx error log.', kind }, now, engineer);
const reply = (now: string) => cmd('ReplyAsCustomer', { message: 'Attached.' }, now, lead);
const remind = (now: string, reminder: number) => cmd('RemindCustomer', { reminder }, now, system);
const timeOut = (now: string) => cmd('TimeOutCustomerSide', {}, now, system);

const waiting = (...more: IncidentCommand[]) =>
  history([
    openCommand(FRI_1600, { severity: 3 }),
    cmd('Respond', { message: 'On it.' }, '2026-11-27T16:10:00.000Z', engineer),
    ask('2026-11-30T10:00:00.000Z'),
    ...more,
  ]);

describe("The customer's side", () => {
  it('an information request puts the incident on the customer side for one calendar week, with reminders before it', () => {
    const state = stateOf(waiting());
    expect(state).toMatchObject({
      status: 'awaiting-customer',
      awaitingCustomerSince: '2026-11-30T10:00:00.000Z',
      customerSideDeadline: '2026-12-07T10:00:00.000Z',
      reminderDueAts: ['2026-12-05T10:00:00.000Z', '2026-12-06T10:00:00.000Z'],
    });
  });

  it.each(['reproduction', 'remote-access'] as const)('a %s request does the same', (kind) => {
    const events = history([openCommand(FRI_1600), ask('2026-11-30T10:00:00.000Z', kind)]);
    expect(stateOf(events)).toMatchObject({
      status: 'awaiting-customer',
      customerSideDeadline: '2026-12-07T10:00:00.000Z',
    });
  });

  it('a request on a new incident is also its first response', () => {
    const events = history([
      openCommand(FRI_1600, { severity: 3 }),
      ask('2026-11-27T17:00:00.000Z'),
    ]);
    expect(events[1]).toMatchObject({
      type: 'incident.awaiting-customer',
      data: { firstResponse: true, withinTarget: true, responseTimeMs: 3_600_000 },
    });
    expect(stateOf(events)).toMatchObject({
      respondedAt: '2026-11-27T17:00:00.000Z',
      responseSla: 'met',
    });
  });

  it('a further request while waiting adds a question but does not move the deadline', () => {
    spec
      .given(waiting())
      .when(ask('2026-12-02T10:00:00.000Z', 'reproduction'))
      .thenEvents(([event]) =>
        expect(event).toMatchObject({
          type: 'incident.awaiting-customer',
          data: { further: true, customerSideDeadline: '2026-12-07T10:00:00.000Z' },
        }),
      );
    expect(stateOf(waiting(ask('2026-12-02T10:00:00.000Z'))).openQuestions).toBe(2);
  });

  it("the customer's reply puts it back on the vendor side; the next stay starts a fresh week", () => {
    const events = waiting(reply('2026-12-03T09:00:00.000Z'), ask('2026-12-04T09:00:00.000Z'));
    expect(events.map((e) => e.type).slice(-2)).toEqual([
      'incident.customer-responded',
      'incident.awaiting-customer',
    ]);
    expect(stateOf(events).customerSideDeadline).toBe('2026-12-11T09:00:00.000Z');
    expect(stateOf(waiting(reply('2026-12-03T09:00:00.000Z')))).toMatchObject({
      status: 'in-progress',
      awaitingCustomerSince: null,
      customerSideDeadline: null,
    });
  });

  it('a customer message on the vendor side is a comment', () => {
    spec
      .given(history([openCommand(FRI_1600)]))
      .when(reply('2026-11-27T17:00:00.000Z'))
      .then([
        {
          type: 'incident.commented',
          data: {
            at: '2026-11-27T17:00:00.000Z',
            by: lead,
            side: 'customer',
            message: 'Attached.',
          },
        },
      ]);
  });

  it('reminds at each offset before the deadline, once each, never early', () => {
    spec.given(waiting()).when(remind('2026-12-05T09:59:59.999Z', 0)).thenNothing();
    spec
      .given(waiting())
      .when(remind('2026-12-05T10:00:00.000Z', 0))
      .then([
        {
          type: 'incident.customer-reminded',
          data: {
            at: '2026-12-05T10:00:00.000Z',
            reminder: 0,
            dueAt: '2026-12-05T10:00:00.000Z',
            customerSideDeadline: '2026-12-07T10:00:00.000Z',
          },
        },
      ]);
    spec
      .given(waiting(remind('2026-12-05T10:00:00.000Z', 0)))
      .when(remind('2026-12-05T10:00:01.000Z', 0))
      .thenNothing();
    spec
      .given(waiting())
      .when(remind('2026-12-06T10:00:00.000Z', 1))
      .thenEvents((e) => expect(e).toHaveLength(1));
  });

  it('closes by timeout at the deadline with no reply, not a moment before', () => {
    spec.given(waiting()).when(timeOut('2026-12-07T09:59:59.999Z')).thenNothing();
    const events = waiting(
      remind('2026-12-05T10:00:00.000Z', 0),
      remind('2026-12-06T10:00:00.000Z', 1),
      timeOut('2026-12-07T10:00:00.000Z'),
    );
    expect(events.map((e) => e.type).slice(-3)).toEqual([
      'incident.customer-reminded',
      'incident.customer-reminded',
      'incident.closed-by-timeout',
    ]);
    expect(stateOf(events)).toMatchObject({
      status: 'closed',
      closeReason: 'timeout',
      customerSideDeadline: null,
    });
  });

  it('a reply recorded before the timer wins: the late timer records nothing', () => {
    // The reply comes after the deadline instant but before the timer's command was decided.
    const events = waiting(reply('2026-12-07T10:00:00.500Z'));
    spec.given(events).when(timeOut('2026-12-07T10:00:01.000Z')).thenNothing();
    spec.given(events).when(remind('2026-12-07T10:00:01.000Z', 1)).thenNothing();
    expect(stateOf(events).status).toBe('in-progress');
  });

  it('a timeout recorded before the reply wins: the reply is refused, the incident stays closed', () => {
    spec
      .given(waiting(timeOut('2026-12-07T10:00:00.000Z')))
      .when(reply('2026-12-07T10:00:00.500Z'))
      .thenRefuses('incident-closed');
  });

  it('only leads of the customer reply as the customer; only vendors ask', () => {
    spec
      .given(waiting())
      .when(cmd('ReplyAsCustomer', { message: 'x' }, '2026-12-01T00:00:00.000Z', engineer))
      .thenRefuses('forbidden');
    spec
      .given(waiting())
      .when(
        cmd(
          'RequestInformation',
          { message: 'x', kind: 'information' },
          '2026-12-01T00:00:00.000Z',
          lead,
        ),
      )
      .thenRefuses('forbidden');
  });
});

import { DeciderSpecification } from '../testing/decider-specification';
import {
  cmd,
  decider,
  engineer,
  history,
  lead,
  openCommand,
  opened,
  stateOf,
  system,
} from '../testing/incident.fixtures';

const spec = DeciderSpecification.for(decider);
const FRI_1600 = '2026-11-27T16:00:00.000Z';
// Enhanced severity 2: due 18:00, at risk from 17:30.
const s2 = () => opened(FRI_1600, { severity: 2 });
const check = (now: string) => cmd('CheckResponseSla', {}, now, system);

describe('Response SLA', () => {
  it('a first response before the deadline is within target and stops the clock', () => {
    spec
      .given(s2())
      .when(cmd('Respond', { message: 'Looking into it.' }, '2026-11-27T16:20:00.000Z', engineer))
      .thenEvents(([responded]) => {
        expect(responded).toMatchObject({
          type: 'incident.responded',
          data: { withinTarget: true, responseTimeMs: 20 * 60_000, by: engineer },
        });
      });
  });

  it('a response after the deadline is still recorded, with withinTarget false', () => {
    spec
      .given(s2())
      .when(
        cmd('Respond', { message: 'Sorry for the wait.' }, '2026-11-27T18:00:00.000Z', engineer),
      )
      .thenEvents(([responded]) =>
        expect(responded).toMatchObject({ data: { withinTarget: false } }),
      );
  });

  it('later public replies are comments, not responses', () => {
    const events = history([
      openCommand(FRI_1600, { severity: 2 }),
      cmd('Respond', { message: 'On it.' }, '2026-11-27T16:10:00.000Z', engineer),
    ]);
    spec
      .given(events)
      .when(cmd('Respond', { message: 'Found it.' }, '2026-11-27T17:00:00.000Z', engineer))
      .then([
        {
          type: 'incident.commented',
          data: {
            at: '2026-11-27T17:00:00.000Z',
            by: engineer,
            side: 'vendor',
            message: 'Found it.',
          },
        },
      ]);
  });

  it('only vendor roles respond', () => {
    spec
      .given(s2())
      .when(cmd('Respond', { message: 'x' }, FRI_1600, lead))
      .thenRefuses('forbidden');
  });

  it('records nothing before the at-risk point', () => {
    spec.given(s2()).when(check('2026-11-27T17:29:59.999Z')).thenNothing();
  });

  it('records at-risk once at 75% of the target', () => {
    const atRisk = {
      type: 'incident.response-sla-at-risk',
      data: {
        at: '2026-11-27T17:30:00.000Z',
        responseAtRiskAt: '2026-11-27T17:30:00.000Z',
        responseDueAt: '2026-11-27T18:00:00.000Z',
      },
    } as const;
    spec.given(s2()).when(check('2026-11-27T17:30:00.000Z')).then([atRisk]);
    spec
      .given([...s2(), atRisk])
      .when(check('2026-11-27T17:45:00.000Z'))
      .thenNothing();
  });

  it('records the breach once at the deadline, never before', () => {
    const events = history([
      openCommand(FRI_1600, { severity: 2 }),
      check('2026-11-27T17:30:00.000Z'),
    ]);
    spec.given(events).when(check('2026-11-27T17:59:59.999Z')).thenNothing();
    const breached = history([
      openCommand(FRI_1600, { severity: 2 }),
      check('2026-11-27T17:30:00.000Z'),
      check('2026-11-27T18:00:00.000Z'),
    ]);
    expect(breached.map((e) => e.type)).toEqual([
      'incident.opened',
      'incident.response-sla-at-risk',
      'incident.response-sla-breached',
    ]);
    spec.given(breached).when(check('2026-11-27T19:00:00.000Z')).thenNothing();
    expect(stateOf(breached).responseSla).toBe('breached');
  });

  it('a breach check that finds no at-risk records both, at-risk first', () => {
    spec
      .given(s2())
      .when(check('2026-11-27T18:05:00.000Z'))
      .thenEvents((events) =>
        expect(events.map((e) => e.type)).toEqual([
          'incident.response-sla-at-risk',
          'incident.response-sla-breached',
        ]),
      );
  });

  it('a stale check after the response records nothing', () => {
    const events = history([
      openCommand(FRI_1600, { severity: 2 }),
      cmd('Respond', { message: 'On it.' }, '2026-11-27T16:10:00.000Z', engineer),
    ]);
    spec.given(events).when(check('2026-11-27T18:30:00.000Z')).thenNothing();
    expect(stateOf(events).responseSla).toBe('met');
  });

  it('the timer commands are the engine’s own: no person sends them', () => {
    spec
      .given(s2())
      .when(cmd('CheckResponseSla', {}, '2026-11-27T18:30:00.000Z', engineer))
      .thenRefuses('forbidden');
  });
});

describe('Severity change before the first response (the retroactive rule)', () => {
  it('recomputes the deadline from receivedAt and carries the old and new deadline', () => {
    // Enhanced S3 (PT12H, due Sat 04:00) raised to S1 (PT30M) at 16:10: due 16:30, at risk 16:22:30.
    spec
      .given(opened(FRI_1600, { severity: 3 }))
      .when(
        cmd(
          'ChangeSeverity',
          { severity: 1, reason: 'Production is down' },
          '2026-11-27T16:10:00.000Z',
          engineer,
        ),
      )
      .then([
        {
          type: 'incident.severity-changed',
          data: {
            at: '2026-11-27T16:10:00.000Z',
            by: engineer,
            from: 3,
            to: 1,
            reason: 'Production is down',
            responseTarget: 'PT30M',
            previousResponseDueAt: '2026-11-28T04:00:00.000Z',
            responseDueAt: '2026-11-27T16:30:00.000Z',
            responseAtRiskAt: '2026-11-27T16:22:30.000Z',
            statusReportDueAt: null,
          },
        },
      ]);
  });

  it('records at-risk and breach at once when the new deadline has already passed', () => {
    spec
      .given(opened(FRI_1600, { severity: 3 }))
      .when(
        cmd(
          'ChangeSeverity',
          { severity: 1, reason: 'Outage confirmed' },
          '2026-11-27T17:00:00.000Z',
          engineer,
        ),
      )
      .thenEvents((events) => {
        expect(events.map((e) => e.type)).toEqual([
          'incident.severity-changed',
          'incident.response-sla-at-risk',
          'incident.response-sla-breached',
        ]);
        expect(events[2]).toMatchObject({ data: { responseDueAt: '2026-11-27T16:30:00.000Z' } });
      });
  });

  it('lowering the severity moves the deadline later', () => {
    const events = history([
      openCommand(FRI_1600, { severity: 1 }),
      cmd(
        'ChangeSeverity',
        { severity: 4, reason: 'A question, not an outage' },
        '2026-11-27T16:05:00.000Z',
        engineer,
      ),
    ]);
    expect(stateOf(events)).toMatchObject({
      severity: 4,
      responseDueAt: '2026-12-01T16:00:00.000Z',
    });
    spec.given(events).when(check('2026-11-27T16:30:00.000Z')).thenNothing();
  });

  it('after the first response the response deadline stays where it was', () => {
    const events = history([
      openCommand(FRI_1600, { severity: 3 }),
      cmd('Respond', { message: 'On it.' }, '2026-11-27T16:10:00.000Z', engineer),
      cmd('ChangeSeverity', { severity: 1, reason: 'Worse' }, '2026-11-27T17:00:00.000Z', engineer),
    ]);
    expect(stateOf(events)).toMatchObject({
      severity: 1,
      responseDueAt: '2026-11-28T04:00:00.000Z',
      responseSla: 'met',
    });
  });

  it('the same severity again changes nothing', () => {
    spec
      .given(opened(FRI_1600, { severity: 3 }))
      .when(cmd('ChangeSeverity', { severity: 3, reason: 'same' }, FRI_1600, engineer))
      .thenNothing();
  });

  it('only vendor roles change severity', () => {
    spec
      .given(opened(FRI_1600, { severity: 3 }))
      .when(cmd('ChangeSeverity', { severity: 1, reason: 'please' }, FRI_1600, lead))
      .thenRefuses('forbidden');
  });
});

import { DeciderSpecification } from '../testing/decider-specification';
import {
  cmd,
  decider,
  engineer,
  history,
  lead,
  openCommand,
  ops,
  otherLead,
  stateOf,
  system,
} from '../testing/incident.fixtures';
import type { IncidentCommand } from './incident.commands';
import { CLOSURE_CODES, type ClosureCode } from './incident.model';

const spec = DeciderSpecification.for(decider);
const FRI_1600 = '2026-11-27T16:00:00.000Z';
const respond = cmd('Respond', { message: 'On it.' }, '2026-11-27T16:10:00.000Z', engineer);
const inProgress = (...more: IncidentCommand[]) =>
  history([openCommand(FRI_1600), respond, ...more]);
const resolve = (now = '2026-11-30T10:00:00.000Z') =>
  cmd('Resolve', { resolution: 'Upgraded nginx to 1.26.', workaround: null }, now, engineer);
const escalate = (now: string, reason: 'unresolved' | 'dissatisfaction' = 'unresolved') =>
  cmd('Escalate', { reason, message: 'Still down.' }, now, lead);
const close = (
  data: {
    reason: 'out-of-scope' | 'duplicate' | 'withdrawn';
    code?: ClosureCode | null;
    reference?: string | null;
  },
  actor = engineer,
) =>
  cmd(
    'CloseIncident',
    {
      reason: data.reason,
      code: data.code ?? null,
      reference: data.reference ?? null,
      message: 'Closing.',
    },
    '2026-11-30T10:00:00.000Z',
    actor,
  );

describe('Escalation', () => {
  it('goes one level at a time, each to the role the policy names', () => {
    const events = inProgress(
      escalate('2026-11-28T10:00:00.000Z'),
      escalate('2026-11-29T10:00:00.000Z'),
      escalate('2026-11-30T10:00:00.000Z'),
    );
    expect(
      events
        .filter((e) => e.type === 'incident.escalated')
        .map((e) => [e.data.level, e.data.assignedRole]),
    ).toEqual([
      [1, 'senior-engineer'],
      [2, 'team-lead'],
      [3, 'cxo'],
    ]);
    expect(stateOf(events).escalationLevel).toBe(3);
    spec
      .given(events)
      .when(escalate('2026-12-01T10:00:00.000Z'))
      .thenRefuses('escalation-max-level');
  });

  it('an unresolved escalation needs an open incident', () => {
    spec
      .given(inProgress(resolve()))
      .when(escalate('2026-12-01T10:00:00.000Z'))
      .thenRefuses('incident-closed');
  });

  it('dissatisfaction may be reported on an incident closed within the reopen window, not after', () => {
    spec
      .given(inProgress(resolve()))
      .when(escalate('2026-12-14T09:59:59.999Z', 'dissatisfaction'))
      .thenEvents(([e]) =>
        expect(e).toMatchObject({ data: { level: 1, reason: 'dissatisfaction' } }),
      );
    spec
      .given(inProgress(resolve()))
      .when(escalate('2026-12-14T10:00:00.000Z', 'dissatisfaction'))
      .thenRefuses('reopen-window-passed');
  });

  it("only the customer's own leads escalate", () => {
    spec
      .given(inProgress())
      .when(cmd('Escalate', { reason: 'unresolved', message: 'x' }, FRI_1600, engineer))
      .thenRefuses('forbidden');
    spec
      .given(inProgress())
      .when(cmd('Escalate', { reason: 'unresolved', message: 'x' }, FRI_1600, otherLead))
      .thenRefuses('forbidden');
  });
});

describe('Closing', () => {
  it('resolves with the resolution and an optional workaround', () => {
    const events = inProgress(
      cmd(
        'Resolve',
        { resolution: 'Fixed.', workaround: 'Restart nginx.' },
        '2026-11-30T10:00:00.000Z',
        engineer,
      ),
    );
    expect(stateOf(events)).toMatchObject({
      status: 'closed',
      closeReason: 'resolved',
      closedAt: '2026-11-30T10:00:00.000Z',
      workaround: 'Restart nginx.',
    });
  });

  const codesWithoutReference = CLOSURE_CODES.filter(
    (c) => c !== 'already-resolved' && c !== 'similar-to-resolved',
  );
  it.each(codesWithoutReference)('closes out of scope with code %s', (code) => {
    const state = stateOf(inProgress(close({ reason: 'out-of-scope', code })));
    expect(state).toMatchObject({ status: 'closed', closeReason: 'out-of-scope', closeCode: code });
  });

  it.each(['already-resolved', 'similar-to-resolved'] as const)(
    '%s must reference what it points at',
    (code) => {
      spec
        .given(inProgress())
        .when(close({ reason: 'out-of-scope', code }))
        .thenRefuses('closure-reference-required');
      const state = stateOf(
        inProgress(close({ reason: 'out-of-scope', code, reference: 'INC-1001' })),
      );
      expect(state).toMatchObject({ closeCode: code, closeReference: 'INC-1001' });
    },
  );

  it('out of scope needs a known code', () => {
    spec
      .given(inProgress())
      .when(close({ reason: 'out-of-scope' }))
      .thenRefuses('closure-code-required');
    spec
      .given(inProgress())
      .when(close({ reason: 'out-of-scope', code: 'bad-luck' as ClosureCode }))
      .thenRefuses('invalid-closure-code');
  });

  it('a duplicate must name another incident', () => {
    spec
      .given(inProgress())
      .when(close({ reason: 'duplicate' }))
      .thenRefuses('closure-reference-required');
    spec
      .given(inProgress())
      .when(close({ reason: 'duplicate', reference: 'INC-1042' }))
      .thenRefuses('invalid-reference');
    expect(
      stateOf(inProgress(close({ reason: 'duplicate', reference: 'INC-1001' }))),
    ).toMatchObject({
      closeReason: 'duplicate',
      closeReference: 'INC-1001',
    });
  });

  it('the customer withdraws; vendors cannot withdraw for it, and leads cannot close out of scope', () => {
    expect(stateOf(inProgress(close({ reason: 'withdrawn' }, lead))).closeReason).toBe('withdrawn');
    spec
      .given(inProgress())
      .when(close({ reason: 'withdrawn' }))
      .thenRefuses('forbidden');
    spec
      .given(inProgress())
      .when(close({ reason: 'out-of-scope', code: 'incorrect-use' }, lead))
      .thenRefuses('forbidden');
  });

  it('nothing more happens to a closed incident', () => {
    const closed = inProgress(resolve());
    spec
      .given(closed)
      .when(cmd('Respond', { message: 'x' }, '2026-12-01T00:00:00.000Z', engineer))
      .thenRefuses('incident-closed');
    spec.given(closed).when(resolve('2026-12-01T00:00:00.000Z')).thenRefuses('incident-closed');
    spec
      .given(closed)
      .when(cmd('CheckResponseSla', {}, '2026-12-01T00:00:00.000Z', system))
      .thenNothing();
  });

  it('resolving a new incident records its response first', () => {
    const events = history([openCommand(FRI_1600), resolve('2026-11-27T16:05:00.000Z')]);
    expect(events.map((e) => e.type)).toEqual([
      'incident.opened',
      'incident.responded',
      'incident.resolved',
    ]);
  });
});

describe('Reopening', () => {
  const reopen = (now: string) => cmd('Reopen', { message: 'It is back.' }, now, lead);

  it.each([
    ['resolved', resolve()],
    ['withdrawn', close({ reason: 'withdrawn' }, lead)],
  ] as const)(
    'a %s incident reopens within the window, back on the vendor side',
    (_reason, closing) => {
      const events = inProgress(closing, reopen('2026-12-14T09:59:59.999Z'));
      expect(stateOf(events)).toMatchObject({
        status: 'in-progress',
        closedAt: null,
        closeReason: null,
      });
    },
  );

  it('a timed-out incident reopens within the window', () => {
    const events = inProgress(
      cmd(
        'RequestInformation',
        { message: 'Logs?', kind: 'information' },
        '2026-11-30T10:00:00.000Z',
        engineer,
      ),
      cmd('TimeOutCustomerSide', {}, '2026-12-07T10:00:00.000Z', system),
      reopen('2026-12-08T10:00:00.000Z'),
    );
    expect(stateOf(events).status).toBe('in-progress');
  });

  it('the window is 14 days: at its very end it has passed', () => {
    spec
      .given(inProgress(resolve()))
      .when(reopen('2026-12-14T10:00:00.000Z'))
      .thenRefuses('reopen-window-passed');
  });

  it('the status-report clock restarts from the reopening', () => {
    const events = inProgress(resolve(), reopen('2026-12-01T09:00:00.000Z'));
    // Enhanced severity 3: every 14 days.
    expect(stateOf(events).statusReport.dueAt).toBe('2026-12-15T09:00:00.000Z');
  });

  it('out-of-scope and duplicate closures are final', () => {
    spec
      .given(inProgress(close({ reason: 'out-of-scope', code: 'hardware-malfunction' })))
      .when(reopen('2026-12-01T00:00:00.000Z'))
      .thenRefuses('reopen-not-allowed');
    spec
      .given(inProgress(close({ reason: 'duplicate', reference: 'INC-1' })))
      .when(reopen('2026-12-01T00:00:00.000Z'))
      .thenRefuses('reopen-not-allowed');
  });

  it('an open incident is not reopened', () => {
    spec
      .given(inProgress())
      .when(reopen('2026-12-01T00:00:00.000Z'))
      .thenRefuses('incident-not-closed');
  });
});

describe('Classification, workarounds and problems', () => {
  it('classifies into a covered category; refuses others', () => {
    const email = history([openCommand(FRI_1600, { channel: 'email', category: 'unclassified' })]);
    spec
      .given(email)
      .when(cmd('Classify', { category: 'kafka' }, '2026-11-27T17:00:00.000Z', engineer))
      .then([
        {
          type: 'incident.classified',
          data: { at: '2026-11-27T17:00:00.000Z', by: engineer, from: 'unclassified', to: 'kafka' },
        },
      ]);
    spec
      .given(email)
      .when(cmd('Classify', { category: 'windows' }, FRI_1600, engineer))
      .thenRefuses('category-not-covered');
    spec
      .given(email)
      .when(cmd('Classify', { category: 'unclassified' }, FRI_1600, engineer))
      .thenNothing();
  });

  it('records a workaround', () => {
    const events = inProgress(
      cmd(
        'ProvideWorkaround',
        { workaround: 'Pin nginx 1.24.' },
        '2026-11-28T00:00:00.000Z',
        engineer,
      ),
    );
    expect(stateOf(events).workaround).toBe('Pin nginx 1.24.');
  });

  it('a problem link carries the known workaround to an open incident, once', () => {
    const link = cmd(
      'LinkToProblem',
      { problemId: 'prb-1', workaround: 'Pin nginx 1.24.' },
      '2026-11-28T00:00:00.000Z',
      system,
    );
    const events = inProgress(link);
    expect(events.slice(-2).map((e) => e.type)).toEqual([
      'incident.linked-to-problem',
      'incident.workaround-provided',
    ]);
    expect(stateOf(events)).toMatchObject({ problemId: 'prb-1', workaround: 'Pin nginx 1.24.' });
    spec.given(events).when(link).thenNothing();
    spec
      .given(inProgress(resolve()))
      .when(link)
      .thenEvents((e) => expect(e.map((x) => x.type)).toEqual(['incident.linked-to-problem']));
  });

  it('a caller without the right is refused before any rule about the state', () => {
    const closed = inProgress(resolve());
    spec
      .given(closed)
      .when(cmd('Respond', { message: 'x' }, FRI_1600, ops))
      .thenRefuses('forbidden');
    spec
      .given(closed)
      .when(cmd('Reopen', { message: 'x' }, '2026-12-01T00:00:00.000Z', otherLead))
      .thenRefuses('forbidden');
    spec
      .given(closed)
      .when(cmd('Escalate', { reason: 'unresolved', message: 'x' }, FRI_1600, otherLead))
      .thenRefuses('forbidden');
  });

  it('ops and admins read but never write', () => {
    spec
      .given(inProgress())
      .when(cmd('Respond', { message: 'x' }, FRI_1600, ops))
      .thenRefuses('forbidden');
  });

  it('commands on an incident that does not exist are refused as not found', () => {
    spec
      .given([])
      .when(cmd('Respond', { message: 'x' }, FRI_1600, engineer))
      .thenRefuses('incident-not-found');
  });
});

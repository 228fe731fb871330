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
import type { Severity } from './incident.model';

const spec = DeciderSpecification.for(decider);
const FRI_1600 = '2026-11-27T16:00:00.000Z';
const RESPONDED = '2026-11-27T16:10:00.000Z';
const respond = cmd('Respond', { message: 'On it.' }, RESPONDED, engineer);
const report = (now: string) =>
  cmd('PostStatusReport', { summary: 'Patch in testing.' }, now, engineer);
const check = (now: string) => cmd('CheckStatusReport', {}, now, system);
const responded = (severity: Severity, ...more: IncidentCommand[]) =>
  history([openCommand(FRI_1600, { severity }), respond, ...more]);
const dueAt = (severity: Severity, ...more: IncidentCommand[]) =>
  stateOf(responded(severity, ...more)).statusReport.dueAt;

describe('Status reports: when the next one is due', () => {
  it('nothing is owed before the first response', () => {
    expect(
      stateOf(history([openCommand(FRI_1600, { severity: 2 })])).statusReport.dueAt,
    ).toBeNull();
  });

  it('severity 1: daily by default until a cadence is agreed', () => {
    expect(dueAt(1)).toBe('2026-11-28T16:10:00.000Z');
  });

  it('severity 1: the agreed cadence, counted from the last report', () => {
    const agree = cmd(
      'AgreeStatusReportSchedule',
      { every: 'P2D' },
      '2026-11-27T17:00:00.000Z',
      engineer,
    );
    expect(dueAt(1, agree)).toBe('2026-11-29T16:10:00.000Z');
    expect(dueAt(1, agree, report('2026-11-28T09:00:00.000Z'))).toBe('2026-11-30T09:00:00.000Z');
  });

  it('severity 1: an agreement more often than once a day is refused', () => {
    spec
      .given(responded(1))
      .when(
        cmd('AgreeStatusReportSchedule', { every: 'PT12H' }, '2026-11-27T17:00:00.000Z', engineer),
      )
      .thenRefuses('status-report-too-frequent', { minInterval: 'P1D' });
    expect(
      dueAt(
        1,
        cmd('AgreeStatusReportSchedule', { every: 'P1D' }, '2026-11-27T17:00:00.000Z', engineer),
      ),
    ).toBe('2026-11-28T16:10:00.000Z');
  });

  it('an agreement applies only to severity 1', () => {
    spec
      .given(responded(2))
      .when(
        cmd('AgreeStatusReportSchedule', { every: 'P2D' }, '2026-11-27T17:00:00.000Z', engineer),
      )
      .thenRefuses('status-report-schedule-not-applicable');
  });

  it('severity 2: at least every 3 business days (Friday 16:10 -> Wednesday 16:10)', () => {
    expect(dueAt(2)).toBe('2026-12-02T16:10:00.000Z');
  });

  it('severity 3: at least every 2 calendar weeks', () => {
    expect(dueAt(3)).toBe('2026-12-11T16:10:00.000Z');
  });

  it('severity 4: only upon request, due within 2 business days of it', () => {
    expect(dueAt(4)).toBeNull();
    const request = cmd(
      'RequestStatusReport',
      { message: 'Where are we?' },
      '2026-11-30T09:00:00.000Z',
      lead,
    );
    expect(dueAt(4, request)).toBe('2026-12-02T09:00:00.000Z');
    expect(dueAt(4, request, report('2026-12-01T09:00:00.000Z'))).toBeNull();
  });

  it('a request on severity 1-3 is refused with the next due time', () => {
    spec
      .given(responded(2))
      .when(
        cmd('RequestStatusReport', { message: 'Where are we?' }, '2026-11-30T09:00:00.000Z', lead),
      )
      .thenRefuses('status-report-scheduled', { statusReportDueAt: '2026-12-02T16:10:00.000Z' });
  });

  it('a report resets the clock from the report', () => {
    expect(dueAt(2, report('2026-12-03T10:00:00.000Z'))).toBe('2026-12-08T10:00:00.000Z');
  });

  it('pauses on the customer side and resumes with the remaining time (calendar)', () => {
    const ask = cmd(
      'RequestInformation',
      { message: 'Logs?', kind: 'information' },
      '2026-12-01T16:10:00.000Z',
      engineer,
    );
    expect(dueAt(3, ask)).toBeNull();
    const answer = cmd('ReplyAsCustomer', { message: 'Here.' }, '2026-12-04T16:10:00.000Z', lead);
    // 14 days from Friday 16:10, plus the 3 days spent waiting.
    expect(dueAt(3, ask, answer)).toBe('2026-12-14T16:10:00.000Z');
  });

  it('pauses on the customer side and resumes with the remaining time (business days)', () => {
    const ask = cmd(
      'RequestInformation',
      { message: 'Logs?', kind: 'information' },
      '2026-11-30T16:10:00.000Z',
      engineer,
    );
    const answer = cmd('ReplyAsCustomer', { message: 'Here.' }, '2026-12-01T16:10:00.000Z', lead);
    // One business day on the customer side: Wednesday 16:10 becomes Thursday 16:10.
    expect(dueAt(2, ask, answer)).toBe('2026-12-03T16:10:00.000Z');
  });

  it('a severity change re-derives the due time under the new rule', () => {
    const raise = cmd(
      'ChangeSeverity',
      { severity: 2, reason: 'More users affected' },
      '2026-11-30T09:00:00.000Z',
      engineer,
    );
    expect(dueAt(3)).toBe('2026-12-11T16:10:00.000Z');
    expect(dueAt(3, raise)).toBe('2026-12-02T16:10:00.000Z');
    const lower = cmd(
      'ChangeSeverity',
      { severity: 4, reason: 'Workaround holds' },
      '2026-11-30T09:00:00.000Z',
      engineer,
    );
    expect(dueAt(3, lower)).toBeNull();
  });

  it('a report posted to a new incident is also its first response', () => {
    const events = history([
      openCommand(FRI_1600, { severity: 2 }),
      report('2026-11-27T16:20:00.000Z'),
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'incident.opened',
      'incident.responded',
      'incident.status-report-posted',
    ]);
  });
});

describe('Status reports: overdue', () => {
  it('records overdue once per due time, never before it', () => {
    spec.given(responded(2)).when(check('2026-12-02T16:09:59.999Z')).thenNothing();
    spec
      .given(responded(2))
      .when(check('2026-12-02T16:10:00.000Z'))
      .then([
        {
          type: 'incident.status-report-overdue',
          data: { at: '2026-12-02T16:10:00.000Z', dueAt: '2026-12-02T16:10:00.000Z' },
        },
      ]);
    spec
      .given(responded(2, check('2026-12-02T16:10:00.000Z')))
      .when(check('2026-12-02T18:00:00.000Z'))
      .thenNothing();
  });

  it('a late report is marked as such and sets the next due time, which can be overdue again', () => {
    const events = responded(
      2,
      check('2026-12-02T16:10:00.000Z'),
      report('2026-12-03T10:00:00.000Z'),
    );
    expect(events.at(-1)).toMatchObject({
      type: 'incident.status-report-posted',
      data: { wasOverdue: true },
    });
    spec
      .given(events)
      .when(check('2026-12-08T10:00:00.000Z'))
      .thenEvents(([e]) =>
        expect(e).toMatchObject({ data: { dueAt: '2026-12-08T10:00:00.000Z' } }),
      );
  });

  it('records nothing while paused on the customer side, nor after closure', () => {
    const ask = cmd(
      'RequestInformation',
      { message: 'Logs?', kind: 'information' },
      '2026-11-30T10:00:00.000Z',
      engineer,
    );
    spec.given(responded(2, ask)).when(check('2026-12-03T10:00:00.000Z')).thenNothing();
    const resolve = cmd(
      'Resolve',
      { resolution: 'Fixed.', workaround: null },
      '2026-11-30T10:00:00.000Z',
      engineer,
    );
    spec.given(responded(2, resolve)).when(check('2026-12-03T10:00:00.000Z')).thenNothing();
  });
});

import fc from 'fast-check';
import { DomainError } from '../decider/domain-error';
import { cmd, decider, engineer, lead, openCommand, system } from '../testing/incident.fixtures';
import type { IncidentCommand } from './incident.commands';
import type { IncidentEvent } from './incident.events';
import { evolveIncident } from './incident.evolve';
import { initialIncidentState, type IncidentState } from './incident.state';
import { sideOf } from './incident.view';

const START = Date.parse('2026-11-27T16:00:00.000Z');
type Step = { advanceMs: number; pick: (now: string) => IncidentCommand };

const step = fc.record({
  advanceMs: fc.integer({ min: 0, max: 3 * 86_400_000 }),
  pick: fc.oneof(
    fc.constant((now: string) => cmd('Respond', { message: 'm' }, now, engineer)),
    fc
      .constantFrom('information', 'reproduction', 'remote-access' as const)
      .map(
        (kind) => (now: string) => cmd('RequestInformation', { message: 'q', kind }, now, engineer),
      ),
    fc.constant((now: string) => cmd('ReplyAsCustomer', { message: 'a' }, now, lead)),
    fc
      .constantFrom(1, 2, 3, 4 as const)
      .map(
        (severity) => (now: string) =>
          cmd('ChangeSeverity', { severity, reason: 'r' }, now, engineer),
      ),
    fc.constant((now: string) => cmd('PostStatusReport', { summary: 's' }, now, engineer)),
    fc.constant((now: string) =>
      cmd('RequestStatusReport', { message: 'Where are we?' }, now, lead),
    ),
    fc
      .constantFrom('PT12H', 'P1D', 'P3D')
      .map((every) => (now: string) => cmd('AgreeStatusReportSchedule', { every }, now, engineer)),
    fc
      .constantFrom('unresolved', 'dissatisfaction' as const)
      .map((reason) => (now: string) => cmd('Escalate', { reason, message: 'e' }, now, lead)),
    fc.constant((now: string) =>
      cmd('Resolve', { resolution: 'r', workaround: null }, now, engineer),
    ),
    fc.constant((now: string) =>
      cmd(
        'CloseIncident',
        { reason: 'withdrawn', code: null, reference: null, message: 'w' },
        now,
        lead,
      ),
    ),
    fc.constant((now: string) => cmd('Reopen', { message: 'again' }, now, lead)),
    fc.constant((now: string) => cmd('CheckResponseSla', {}, now, system)),
    fc.constant((now: string) => cmd('CheckStatusReport', {}, now, system)),
    fc
      .integer({ min: 0, max: 1 })
      .map((reminder) => (now: string) => cmd('RemindCustomer', { reminder }, now, system)),
    fc.constant((now: string) => cmd('TimeOutCustomerSide', {}, now, system)),
  ),
}) as fc.Arbitrary<Step>;

const scenario = fc.record({
  severity: fc.constantFrom(1, 2, 3, 4 as const),
  plan: fc.constantFrom('essential', 'enhanced' as const),
  steps: fc.array(step, { maxLength: 40 }),
});

/** Runs a scenario; refusals (DomainError) leave the state as it was, anything else escapes. */
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
const run = ({ severity, plan, steps }: Scenario) => {
  let state: IncidentState = initialIncidentState;
  const events: IncidentEvent[] = [];
  const decisions: Array<{
    command: IncidentCommand;
    produced: readonly IncidentEvent[];
    before: IncidentState;
  }> = [];
  let now = START;
  const commands = [
    openCommand(new Date(now).toISOString(), { severity, plan, category: 'os-bug' }),
    ...steps.map((s) => {
      now += s.advanceMs;
      return s.pick(new Date(now).toISOString());
    }),
  ];
  for (const command of commands) {
    try {
      const produced = decider.decide(command, state);
      decisions.push({ command, produced, before: state });
      for (const event of produced) {
        state = evolveIncident(state, event);
        events.push(event);
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
    }
  }
  return { state, events, decisions };
};

describe('Incident decider properties over random command sequences', () => {
  it('folding the recorded events (as stored, via JSON) gives the state the decider worked from', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const { state, events, decisions } = run(s);
        const stored = JSON.parse(JSON.stringify(events)) as IncidentEvent[];
        expect(stored.reduce(evolveIncident, initialIncidentState)).toEqual(state);
        let count = 0;
        for (const { before, produced } of decisions) {
          expect(stored.slice(0, count).reduce(evolveIncident, initialIncidentState)).toEqual(
            before,
          );
          count += produced.length;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the same commands always give the same events (no hidden clock or randomness)', () => {
    fc.assert(
      fc.property(scenario, (s) => expect(run(s).events).toEqual(run(s).events)),
      { numRuns: 100 },
    );
  });

  it('no sequence leaves an incident both closed and on a side', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        let state: IncidentState = initialIncidentState;
        for (const event of run(s).events) {
          state = evolveIncident(state, event);
          if (state.status === 'none') continue;
          const closed = state.status === 'closed';
          expect(sideOf(state) === null).toBe(closed);
          if (closed) expect(state.customerSideDeadline).toBeNull();
          expect(state.status === 'awaiting-customer').toBe(state.customerSideDeadline !== null);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every breach is preceded by at-risk; each is recorded at most once; the first response only once', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const types = run(s).events.map((e) => e.type);
        const breach = types.indexOf('incident.response-sla-breached');
        const atRisk = types.indexOf('incident.response-sla-at-risk');
        if (breach >= 0) expect(atRisk).toBeGreaterThanOrEqual(0);
        if (breach >= 0) expect(atRisk).toBeLessThan(breach);
        expect(
          types.filter((t) => t === 'incident.response-sla-breached').length,
        ).toBeLessThanOrEqual(1);
        expect(
          types.filter((t) => t === 'incident.response-sla-at-risk').length,
        ).toBeLessThanOrEqual(1);
        expect(types.filter((t) => t === 'incident.responded').length).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('no timer ever acts before its due time', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        for (const event of run(s).events) {
          const at = 'at' in event.data ? Date.parse(String(event.data.at)) : 0;
          if (event.type === 'incident.customer-reminded')
            expect(at).toBeGreaterThanOrEqual(Date.parse(event.data.dueAt));
          if (event.type === 'incident.closed-by-timeout')
            expect(at).toBeGreaterThanOrEqual(Date.parse(event.data.customerSideDeadline));
          if (event.type === 'incident.status-report-overdue')
            expect(at).toBeGreaterThanOrEqual(Date.parse(event.data.dueAt));
          if (event.type === 'incident.response-sla-breached')
            expect(at).toBeGreaterThanOrEqual(Date.parse(event.data.responseDueAt));
        }
      }),
      { numRuns: 200 },
    );
  });
});

import fc from 'fast-check';
import { fold, ROLES, type Role } from '../decider/decider';
import { DomainError } from '../decider/domain-error';
import type { ProblemCommand } from './problem.commands';
import { problemDecider } from './problem.decider';
import type { ProblemEvent } from './problem.events';

const role = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom<Role>('engineer', 'senior-engineer', 'team-lead', 'cxo'),
  },
  { weight: 1, arbitrary: fc.constantFrom(...ROLES) },
);
const text = fc.constantFrom('', ' ', 'A', 'B', ' B ', 'C');
const incident = fc.integer({ min: 1, max: 5 });

const body = fc.oneof(
  {
    weight: 1,
    arbitrary: text.map(
      (title) =>
        ({ type: 'RecordProblem', data: { problemId: 'p1', title, description: '' } }) as const,
    ),
  },
  {
    weight: 3,
    arbitrary: incident.map(
      (n) =>
        ({
          type: 'LinkIncident',
          data: { incidentId: `i${n}`, incidentNumber: `INC-${n}`, customerId: 'acme' },
        }) as const,
    ),
  },
  {
    weight: 3,
    arbitrary: text.map(
      (rootCause) => ({ type: 'IdentifyRootCause', data: { rootCause } }) as const,
    ),
  },
  {
    weight: 3,
    arbitrary: text.map(
      (workaround) => ({ type: 'IdentifyWorkaround', data: { workaround } }) as const,
    ),
  },
  {
    weight: 1,
    arbitrary: text.map(
      (resolution) => ({ type: 'ResolveProblem', data: { resolution } }) as const,
    ),
  },
);
const steps = fc.array(fc.record({ role, body }), { maxLength: 40 });

describe('problem decider properties', () => {
  it('publishes the known error at most once, only after both root cause and workaround', () => {
    fc.assert(
      fc.property(steps, (script) => {
        const log: ProblemEvent[] = [];
        let state = problemDecider.initialState;
        script.forEach(({ role: stepRole, body: stepBody }, index) => {
          const command = {
            ...stepBody,
            meta: {
              now: new Date(Date.UTC(2026, 0, 1, 0, index)).toISOString(),
              actor: { id: 'x', role: stepRole },
            },
          } as ProblemCommand;
          let produced: readonly ProblemEvent[] = [];
          try {
            produced = problemDecider.decide(command, state);
          } catch (error) {
            expect(error).toBeInstanceOf(DomainError);
          }
          for (const event of produced) {
            if (event.type === 'problem.known-error-published') {
              expect(log.some((earlier) => earlier.type === 'problem.known-error-published')).toBe(
                false,
              );
              expect(state.status !== 'none' && [state.rootCause, state.workaround]).toEqual([
                event.data.rootCause,
                event.data.workaround,
              ]);
            }
            state = problemDecider.evolve(state, event);
            log.push(event);
          }
          // Once both exist the known error is out: publication is never skipped.
          if (state.status !== 'none' && state.rootCause !== null && state.workaround !== null) {
            expect(state.knownErrorPublishedAt).not.toBeNull();
          }
        });
        expect(fold(problemDecider, log)).toEqual(state);
      }),
      { numRuns: 300 },
    );
  });

  const anyEvent: fc.Arbitrary<ProblemEvent> = fc.oneof(
    fc.constant({
      type: 'problem.recorded',
      data: { problemId: 'p1', title: 't', description: '', at: 'x', by: 'u' },
    } as const),
    incident.map(
      (n) =>
        ({
          type: 'problem.incident-linked',
          data: {
            incidentId: `i${n}`,
            incidentNumber: `INC-${n}`,
            customerId: 'c',
            workaround: null,
            at: 'x',
          },
        }) as const,
    ),
    text.map(
      (rootCause) =>
        ({ type: 'problem.root-cause-identified', data: { rootCause, at: 'x' } }) as const,
    ),
    text.map(
      (workaround) =>
        ({ type: 'problem.workaround-identified', data: { workaround, at: 'x' } }) as const,
    ),
    fc.constant({
      type: 'problem.known-error-published',
      data: { problemId: 'p1', title: 't', rootCause: 'r', workaround: 'w', at: 'x' },
    } as const),
    fc.constant({ type: 'problem.resolved', data: { resolution: 'r', at: 'x' } } as const),
    fc.constant({ type: 'problem.from-the-future', data: {} } as unknown as ProblemEvent),
  );

  it('evolve never throws, whatever the order of the events', () => {
    fc.assert(
      fc.property(fc.array(anyEvent, { maxLength: 30 }), (events) => {
        expect(() => fold(problemDecider, events)).not.toThrow();
      }),
    );
  });
});

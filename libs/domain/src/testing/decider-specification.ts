import type { Decider } from '../decider/decider';
import { DomainError } from '../decider/domain-error';

/**
 * Given (past events) / when (command) / then (new events, or a refusal) against a decider:
 * no store, no framework, milliseconds per test.
 *
 *   spec.given([opened]).when(respond).then([responded]);
 *   spec.given([opened, closed]).when(respond).thenRefuses('incident-closed');
 */
export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>) {
    return {
      given(events: readonly Event[]) {
        return {
          when(command: Command) {
            const run = () => {
              const state = events.reduce(decider.evolve, decider.initialState);
              return { state, produced: decider.decide(command, state) };
            };
            return {
              then(expected: readonly Event[]) {
                expect(run().produced).toEqual(expected);
              },
              /** For events with computed fields: assert on the produced events yourself. */
              thenEvents(assert: (produced: readonly Event[], before: State) => void) {
                const { state, produced } = run();
                assert(produced, state);
              },
              thenNothing() {
                expect(run().produced).toEqual([]);
              },
              thenRefuses(code: string, details?: Record<string, unknown>) {
                let error: unknown;
                try {
                  run();
                } catch (caught) {
                  error = caught;
                }
                expect(error).toBeInstanceOf(DomainError);
                expect((error as DomainError).code).toBe(code);
                if (details) expect((error as DomainError).details).toMatchObject(details);
              },
            };
          },
        };
      },
    };
  },
};

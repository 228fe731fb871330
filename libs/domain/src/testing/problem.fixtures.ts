import type { Actor, Role } from '../decider/decider';
import type { ProblemCommand } from '../problem/problem.commands';
import type { ProblemEvent } from '../problem/problem.events';

/* Builders shared by the problem specs. */
export const now = '2026-11-27T16:00:00.000Z';
export const earlier = '2026-11-20T09:00:00.000Z';
export const engineer: Actor = { id: 'eng-1', role: 'engineer' };
export const as = (role: Role): Actor => ({ id: `${role}-1`, role });

export const command = <C extends ProblemCommand>(
  type: C['type'],
  data: C['data'],
  actor = engineer,
) => ({ type, data, meta: { now, actor } }) as C;

export const recorded: ProblemEvent = {
  type: 'problem.recorded',
  data: {
    problemId: 'p1',
    title: 'Kernel panic on boot',
    description: 'After the 5.14 update',
    at: earlier,
    by: 'eng-1',
  },
};
export const linked = (n: number, workaround: string | null = null): ProblemEvent => ({
  type: 'problem.incident-linked',
  data: {
    incidentId: `i${n}`,
    incidentNumber: `INC-${n}`,
    customerId: 'acme',
    workaround,
    at: earlier,
  },
});
export const rootCauseIdentified = (rootCause = 'Bad initrd', at = earlier): ProblemEvent => ({
  type: 'problem.root-cause-identified',
  data: { rootCause, at },
});
export const workaroundIdentified = (
  workaround = 'Boot the previous kernel',
  at = earlier,
): ProblemEvent => ({
  type: 'problem.workaround-identified',
  data: { workaround, at },
});
export const published = (
  rootCause = 'Bad initrd',
  workaround = 'Boot the previous kernel',
  at = earlier,
): ProblemEvent => ({
  type: 'problem.known-error-published',
  data: { problemId: 'p1', title: 'Kernel panic on boot', rootCause, workaround, at },
});
export const resolved: ProblemEvent = {
  type: 'problem.resolved',
  data: { resolution: 'Fixed in 5.14.2', at: earlier },
};

import { assertNever, isVendorRole, type Command, type Decider } from '../decider/decider';
import { DomainError, ForbiddenError, NotFoundError } from '../decider/domain-error';
import type {
  IdentifyRootCause,
  IdentifyWorkaround,
  LinkIncident,
  ProblemCommand,
  RecordProblem,
  ResolveProblem,
} from './problem.commands';
import type { ProblemEvent } from './problem.events';
import {
  evolveProblem,
  initialProblemState,
  type ProblemState,
  type RecordedProblem,
} from './problem.state';

const requireVendor = (command: Command): void => {
  if (!isVendorRole(command.meta.actor.role)) {
    throw new ForbiddenError('forbidden', 'Only vendor support staff may work problems.');
  }
};

/** Every command but recording needs a problem that exists and is still being worked. */
const requireUnresolved = (state: ProblemState): RecordedProblem => {
  if (state.status === 'none') throw new NotFoundError('No such problem.', 'problem-not-found');
  if (state.status === 'resolved') {
    throw new DomainError('problem-resolved', `Problem ${state.problemId} is resolved.`, {
      problemId: state.problemId,
      resolvedAt: state.resolvedAt,
    });
  }
  return state;
};

const requireText = (code: string, field: string, value: string): string => {
  const text = value.trim();
  if (text === '') throw new DomainError(code, `${field} must not be empty.`, { field });
  return text;
};

/** The known error is published once: the first time root cause and workaround both exist. */
const publication = (
  problem: RecordedProblem,
  known: { readonly rootCause: string | null; readonly workaround: string | null },
  at: string,
): ProblemEvent[] => {
  const { rootCause, workaround } = known;
  if (problem.knownErrorPublishedAt !== null || rootCause === null || workaround === null)
    return [];
  const { problemId, title } = problem;
  return [
    {
      type: 'problem.known-error-published',
      data: { problemId, title, rootCause, workaround, at },
    },
  ];
};

const recordProblem = (command: RecordProblem, state: ProblemState): ProblemEvent[] => {
  if (state.status !== 'none') {
    throw new DomainError('problem-exists', `Problem ${state.problemId} is already recorded.`, {
      problemId: state.problemId,
    });
  }
  const { problemId, title, description } = command.data;
  const { now, actor } = command.meta;
  return [
    {
      type: 'problem.recorded',
      data: {
        problemId,
        title: requireText('title-required', 'title', title),
        description,
        at: now,
        by: actor.id,
      },
    },
  ];
};

const linkIncident = (command: LinkIncident, problem: RecordedProblem): ProblemEvent[] => {
  const { incidentId, incidentNumber, customerId } = command.data;
  if (problem.linkedIncidents.includes(incidentId)) return [];
  return [
    {
      type: 'problem.incident-linked',
      data: {
        incidentId,
        incidentNumber,
        customerId,
        workaround: problem.workaround,
        at: command.meta.now,
      },
    },
  ];
};

const identifyRootCause = (
  command: IdentifyRootCause,
  problem: RecordedProblem,
): ProblemEvent[] => {
  const rootCause = requireText('root-cause-required', 'rootCause', command.data.rootCause);
  if (rootCause === problem.rootCause) return [];
  const at = command.meta.now;
  return [
    { type: 'problem.root-cause-identified', data: { rootCause, at } },
    ...publication(problem, { rootCause, workaround: problem.workaround }, at),
  ];
};

const identifyWorkaround = (
  command: IdentifyWorkaround,
  problem: RecordedProblem,
): ProblemEvent[] => {
  const workaround = requireText('workaround-required', 'workaround', command.data.workaround);
  if (workaround === problem.workaround) return [];
  const at = command.meta.now;
  return [
    { type: 'problem.workaround-identified', data: { workaround, at } },
    ...publication(problem, { rootCause: problem.rootCause, workaround }, at),
  ];
};

const resolveProblem = (command: ResolveProblem): ProblemEvent[] => {
  const resolution = requireText('resolution-required', 'resolution', command.data.resolution);
  return [{ type: 'problem.resolved', data: { resolution, at: command.meta.now } }];
};

const decideProblem = (command: ProblemCommand, state: ProblemState): ProblemEvent[] => {
  requireVendor(command);
  switch (command.type) {
    case 'RecordProblem':
      return recordProblem(command, state);
    case 'LinkIncident':
      return linkIncident(command, requireUnresolved(state));
    case 'IdentifyRootCause':
      return identifyRootCause(command, requireUnresolved(state));
    case 'IdentifyWorkaround':
      return identifyWorkaround(command, requireUnresolved(state));
    case 'ResolveProblem':
      requireUnresolved(state);
      return resolveProblem(command);
    default:
      return assertNever(command);
  }
};

export const problemDecider: Decider<ProblemCommand, ProblemEvent, ProblemState> = {
  decide: decideProblem,
  evolve: evolveProblem,
  initialState: initialProblemState,
};

import { ignoreUnknown } from '../decider/decider';
import type { ProblemEvent } from './problem.events';

export interface UnrecordedProblem {
  readonly status: 'none';
}

export interface RecordedProblem {
  /** `known-error` once published; stays `resolved` for good after resolution. */
  readonly status: 'open' | 'known-error' | 'resolved';
  readonly problemId: string;
  readonly title: string;
  readonly description: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly rootCause: string | null;
  readonly workaround: string | null;
  /** Incident ids, in the order they were linked. */
  readonly linkedIncidents: readonly string[];
  readonly knownErrorPublishedAt: string | null;
  readonly resolution: string | null;
  readonly resolvedAt: string | null;
}

export type ProblemState = UnrecordedProblem | RecordedProblem;

export const initialProblemState: ProblemState = { status: 'none' };

/** Applies a change that only means something once the problem exists; never validates. */
const whenRecorded = (
  state: ProblemState,
  apply: (problem: RecordedProblem) => RecordedProblem,
): ProblemState => (state.status === 'none' ? state : apply(state));

export const evolveProblem = (state: ProblemState, event: ProblemEvent): ProblemState => {
  switch (event.type) {
    case 'problem.recorded': {
      const { problemId, title, description, at, by } = event.data;
      return {
        status: 'open',
        problemId,
        title,
        description,
        recordedAt: at,
        recordedBy: by,
        rootCause: null,
        workaround: null,
        linkedIncidents: [],
        knownErrorPublishedAt: null,
        resolution: null,
        resolvedAt: null,
      };
    }
    case 'problem.incident-linked': {
      const { incidentId } = event.data;
      return whenRecorded(state, (problem) =>
        problem.linkedIncidents.includes(incidentId)
          ? problem
          : { ...problem, linkedIncidents: [...problem.linkedIncidents, incidentId] },
      );
    }
    case 'problem.root-cause-identified':
      return whenRecorded(state, (problem) => ({ ...problem, rootCause: event.data.rootCause }));
    case 'problem.workaround-identified':
      return whenRecorded(state, (problem) => ({ ...problem, workaround: event.data.workaround }));
    case 'problem.known-error-published':
      return whenRecorded(state, (problem) => ({
        ...problem,
        status: problem.status === 'resolved' ? 'resolved' : 'known-error',
        knownErrorPublishedAt: event.data.at,
      }));
    case 'problem.resolved': {
      const { resolution, at } = event.data;
      return whenRecorded(state, (problem) => ({
        ...problem,
        status: 'resolved',
        resolution,
        resolvedAt: at,
      }));
    }
    default:
      return ignoreUnknown(event, state);
  }
};

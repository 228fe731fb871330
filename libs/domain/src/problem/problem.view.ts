import type { ProblemState, RecordedProblem } from './problem.state';

/** The API representation of a problem; the caller adds the stream `version`. */
export interface ProblemView {
  readonly id: string;
  readonly status: RecordedProblem['status'];
  readonly title: string;
  readonly description: string;
  readonly recordedAt: string;
  readonly recordedBy: string;
  readonly rootCause: string | null;
  readonly workaround: string | null;
  readonly knownError: boolean;
  readonly knownErrorPublishedAt: string | null;
  readonly linkedIncidents: readonly string[];
  readonly resolution: string | null;
  readonly resolvedAt: string | null;
}

/** null when the problem is not recorded (the caller answers 404). */
export const problemView = (state: ProblemState): ProblemView | null => {
  if (state.status === 'none') return null;
  return {
    id: state.problemId,
    status: state.status,
    title: state.title,
    description: state.description,
    recordedAt: state.recordedAt,
    recordedBy: state.recordedBy,
    rootCause: state.rootCause,
    workaround: state.workaround,
    knownError: state.knownErrorPublishedAt !== null,
    knownErrorPublishedAt: state.knownErrorPublishedAt,
    linkedIncidents: [...state.linkedIncidents],
    resolution: state.resolution,
    resolvedAt: state.resolvedAt,
  };
};

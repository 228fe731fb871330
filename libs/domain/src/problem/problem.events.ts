import type { DomainEvent } from '../decider/decider';

export type ProblemRecorded = DomainEvent<
  'problem.recorded',
  {
    readonly problemId: string;
    readonly title: string;
    readonly description: string;
    readonly at: string;
    /** The recording user's id. */
    readonly by: string;
  }
>;

/**
 * `workaround` is the problem's workaround when the link is made (null if none yet), so the
 * reactor that appends `incident.linked-to-problem` can also provide it to the incident.
 */
export type ProblemIncidentLinked = DomainEvent<
  'problem.incident-linked',
  {
    readonly incidentId: string;
    readonly incidentNumber: string;
    readonly customerId: string;
    readonly workaround: string | null;
    readonly at: string;
  }
>;

export type ProblemRootCauseIdentified = DomainEvent<
  'problem.root-cause-identified',
  { readonly rootCause: string; readonly at: string }
>;

export type ProblemWorkaroundIdentified = DomainEvent<
  'problem.workaround-identified',
  { readonly workaround: string; readonly at: string }
>;

/**
 * Recorded once, the first time root cause and workaround both exist; later changes to either are
 * their own `*-identified` events, from which the known-errors read model updates.
 */
export type KnownErrorPublished = DomainEvent<
  'problem.known-error-published',
  {
    readonly problemId: string;
    readonly title: string;
    readonly rootCause: string;
    readonly workaround: string;
    readonly at: string;
  }
>;

export type ProblemResolved = DomainEvent<
  'problem.resolved',
  { readonly resolution: string; readonly at: string }
>;

export type ProblemEvent =
  | ProblemRecorded
  | ProblemIncidentLinked
  | ProblemRootCauseIdentified
  | ProblemWorkaroundIdentified
  | KnownErrorPublished
  | ProblemResolved;

export const PROBLEM_EVENT_TYPES: readonly ProblemEvent['type'][] = [
  'problem.recorded',
  'problem.incident-linked',
  'problem.root-cause-identified',
  'problem.workaround-identified',
  'problem.known-error-published',
  'problem.resolved',
];

export const problemStreamId = (problemId: string): string => `problem-${problemId}`;

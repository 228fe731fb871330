import type { Command } from '../decider/decider';

export type RecordProblem = Command<
  'RecordProblem',
  { readonly problemId: string; readonly title: string; readonly description: string }
>;

/** The incident's number and customer come with the command so the linked event is self-contained. */
export type LinkIncident = Command<
  'LinkIncident',
  { readonly incidentId: string; readonly incidentNumber: string; readonly customerId: string }
>;

export type IdentifyRootCause = Command<'IdentifyRootCause', { readonly rootCause: string }>;

export type IdentifyWorkaround = Command<'IdentifyWorkaround', { readonly workaround: string }>;

export type ResolveProblem = Command<'ResolveProblem', { readonly resolution: string }>;

export type ProblemCommand =
  RecordProblem | LinkIncident | IdentifyRootCause | IdentifyWorkaround | ResolveProblem;

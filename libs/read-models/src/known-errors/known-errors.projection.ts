import {
  evolveProblem,
  initialProblemState,
  type ProblemEvent,
  type ProblemIncidentLinked,
  type RecordedProblem,
} from '@engine/domain';
import {
  idAfterPrefix,
  instant,
  type DocumentProjection,
  type Projection,
} from '../projection/projection.model';
import type { TableSchema } from '../schema/table-schema';

export const PROBLEM_STREAM_PREFIX = 'problem-';

/** An incident linked to a problem, with what a lead needs to see only its own customer's. */
export interface KnownErrorLink {
  readonly incidentId: string;
  readonly number: string;
  readonly customerId: string;
}

/**
 * A problem, kept from `problem.recorded` on so that its links and fields accumulate; it is a known
 * error (listed) once `publishedAt` is set.
 */
export interface KnownErrorDoc {
  readonly problem: RecordedProblem;
  readonly links: readonly KnownErrorLink[];
  readonly version: bigint;
  readonly position: bigint;
}

export const KNOWN_ERRORS_TABLE: TableSchema = {
  name: 'known_errors',
  primaryKey: 'id',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'title', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'root_cause', type: 'text', nullable: true },
    { name: 'workaround', type: 'text', nullable: true },
    { name: 'published_at', type: 'text', nullable: true },
    /** JSON array of KnownErrorLink. */
    { name: 'linked_incidents', type: 'text' },
    { name: 'version', type: 'bigint' },
    { name: 'position', type: 'bigint' },
    { name: 'state', type: 'text' },
  ],
  indexes: [['published_at']],
};

const linkOf = (event: ProblemEvent): KnownErrorLink | null => {
  if (event.type !== 'problem.incident-linked') return null;
  const { incidentId, incidentNumber, customerId } = event.data as ProblemIncidentLinked['data'];
  return { incidentId, number: incidentNumber, customerId };
};

export const knownErrorDocument: DocumentProjection<KnownErrorDoc> = {
  table: KNOWN_ERRORS_TABLE,
  keyOf: (event) => idAfterPrefix(event.streamId, PROBLEM_STREAM_PREFIX),
  evolve(doc, event) {
    const problemEvent = { type: event.type, data: event.data } as ProblemEvent;
    const problem = evolveProblem(doc?.problem ?? initialProblemState, problemEvent);
    if (problem.status === 'none') return doc;
    const link = linkOf(problemEvent);
    const links = doc?.links ?? [];
    return {
      problem,
      links:
        link && !links.some((known) => known.incidentId === link.incidentId)
          ? [...links, link]
          : links,
      version: event.version,
      position: event.position,
    };
  },
  toRow: ({ problem, links, version, position }) => ({
    id: problem.problemId,
    title: problem.title,
    status: problem.status,
    root_cause: problem.rootCause,
    workaround: problem.workaround,
    published_at: instant(problem.knownErrorPublishedAt),
    linked_incidents: JSON.stringify(links),
    version,
    position,
    state: JSON.stringify(problem),
  }),
  fromRow: (row) => ({
    problem: JSON.parse(String(row.state)) as RecordedProblem,
    links: JSON.parse(String(row.linked_incidents)) as KnownErrorLink[],
    version: BigInt(row.version as bigint),
    position: BigInt(row.position as bigint),
  }),
};

/** Published known errors: the knowledge base every lead may read. */
export const knownErrorsProjection: Projection = {
  name: 'known-errors',
  streamPrefixes: [PROBLEM_STREAM_PREFIX],
  documents: [knownErrorDocument],
};

import type { Kysely } from 'kysely';
import type { EventStore } from '@engine/event-store';
import {
  INCIDENT_STREAM_PREFIX,
  INCIDENTS_TABLE,
  incidentIdOf,
} from '../incidents/incident.projection';
import { incidentsProjection } from '../incidents/incidents.projection';
import type { ProjectionChange } from '../projection/projection.model';
import { yieldToEventLoop } from '../runner/sleep';
import { storedCheckpoint } from '../storage/checkpoint.queries';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read store's untyped handle
type Db = Kysely<any>;

/** The position the incidents projection has applied up to: what the stream may announce. */
export const projectedCheckpoint = (db: Db): Promise<bigint> =>
  storedCheckpoint(db, incidentsProjection.name);

/**
 * The changes after `after` up to `until` (a projected checkpoint), page by page: the events come
 * from the feed, the incident's number and customer from the read model (both never change).
 * How a stream resumes from `Last-Event-ID`, and how an API without the worker tails the feed.
 */
export async function* replayChanges(
  store: EventStore,
  db: Db,
  after: bigint,
  until: bigint,
  pageSize = 500,
): AsyncGenerator<ProjectionChange[]> {
  let from = after;
  while (from < until) {
    await yieldToEventLoop();
    const events = (
      await store.readAll(from, pageSize, { streamPrefixes: [INCIDENT_STREAM_PREFIX] })
    ).filter((event) => event.position <= until);
    if (events.length === 0) return;
    const ids = [...new Set(events.map(incidentIdOf).filter((id): id is string => id !== null))];
    const rows =
      ids.length === 0
        ? []
        : await db
            .selectFrom(INCIDENTS_TABLE.name)
            .select(['id', 'number', 'customer_id'])
            .where('id', 'in', ids)
            .execute();
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    yield events.flatMap((event): ProjectionChange[] => {
      const incidentId = incidentIdOf(event);
      if (incidentId === null) return [];
      const row = byId.get(incidentId);
      return [
        {
          type: event.type,
          incidentId,
          position: event.position.toString(),
          number: row ? String(row.number) : null,
          customerId: row ? String(row.customer_id) : null,
        },
      ];
    });
    from = events.at(-1)!.position;
    if (events.length < pageSize) return;
  }
}

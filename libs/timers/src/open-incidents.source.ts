import type { Kysely } from 'kysely';
import type { IncidentState, OpenedIncidentState } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import type { SqlDatabase } from '@engine/platform';
import {
  INCIDENT_STREAM_PREFIX,
  PROJECTION_STATUS_TABLE,
  incidentsProjection,
} from '@engine/read-models';
import { inParallel, readIncidentState } from './incident-state.reader';

/** The two read-model tables the reconciler reads (see libs/read-models). */
interface ReconcileTables {
  projection_status: { name: string; checkpoint: string | number | bigint };
  incidents: { id: string; status: string; state: string };
}

export interface OpenIncidentsOptions {
  /** States per page. Default 500. */
  readonly pageSize?: number;
}

const isOpen = (state: IncidentState): state is OpenedIncidentState =>
  state.status !== 'none' && state.status !== 'closed';

/** The incidents projection's checkpoint, or 0 when the read store has none (not migrated, not run). */
async function projectedUpTo(db: Kysely<ReconcileTables>): Promise<bigint> {
  try {
    const row = await db
      .selectFrom(PROJECTION_STATUS_TABLE as 'projection_status')
      .select('checkpoint')
      .where('name', '=', incidentsProjection.name)
      .executeTakeFirst();
    return row ? BigInt(row.checkpoint) : 0n;
  } catch {
    return 0n; // no bookkeeping table yet: the feed alone is the source
  }
}

/**
 * Every open incident's current state, in pages: from the incidents read model (which keeps each
 * incident's folded state) up to its checkpoint, and from the event store for the incidents the
 * feed changed after it (folded from their streams). The read model being behind, empty or absent
 * therefore loses nothing: with no projection checkpoint the whole incident feed is folded.
 */
export async function* openIncidentStates(
  store: EventStore,
  database: SqlDatabase | null,
  options: OpenIncidentsOptions = {},
): AsyncGenerator<readonly OpenedIncidentState[]> {
  const pageSize = options.pageSize ?? 500;
  const db = database ? (database.db as Kysely<ReconcileTables>) : null;
  // The checkpoint first: rows read afterwards are at least as recent as it.
  const checkpoint = db ? await projectedUpTo(db) : 0n;
  const changedSince = new Set<string>();
  for (let from = checkpoint; ;) {
    const page = await store.readAll(from, 1_000, { streamPrefixes: [INCIDENT_STREAM_PREFIX] });
    for (const event of page) changedSince.add(event.streamId.slice(INCIDENT_STREAM_PREFIX.length));
    if (page.length < 1_000) break;
    from = page.at(-1)!.position;
  }
  if (db && checkpoint > 0n) {
    for (let after = ''; ;) {
      const rows = await db
        .selectFrom('incidents')
        .select(['id', 'state'])
        .where('status', '!=', 'closed')
        .where('id', '>', after)
        .orderBy('id')
        .limit(pageSize)
        .execute();
      const states = rows
        .filter((row) => !changedSince.has(row.id))
        .map((row) => JSON.parse(row.state) as IncidentState)
        .filter(isOpen);
      if (states.length > 0) yield states;
      if (rows.length < pageSize) break;
      after = rows.at(-1)!.id;
    }
  }
  const ids = [...changedSince];
  for (let start = 0; start < ids.length; start += pageSize) {
    const states: OpenedIncidentState[] = [];
    await inParallel(ids.slice(start, start + pageSize), 16, async (id) => {
      const state = await readIncidentState(store, id);
      if (isOpen(state)) states.push(state);
    });
    if (states.length > 0) yield states;
  }
}

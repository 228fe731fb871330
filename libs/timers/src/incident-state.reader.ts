import {
  evolveIncident,
  fold,
  incidentStreamId,
  initialIncidentState,
  type IncidentEvent,
  type IncidentState,
} from '@engine/domain';
import type { EventStore } from '@engine/event-store';

const incidentFold = { evolve: evolveIncident, initialState: initialIncidentState };

/** The incident's current state, folded from its stream (the source of truth). */
export async function readIncidentState(
  store: EventStore,
  incidentId: string,
): Promise<IncidentState> {
  const events = await store.readStream(incidentStreamId(incidentId));
  return fold(
    incidentFold,
    events.map((event) => ({ type: event.type, data: event.data }) as IncidentEvent),
  );
}

/** Runs `work` over `items` with at most `limit` in flight; rejects on the first failure. */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

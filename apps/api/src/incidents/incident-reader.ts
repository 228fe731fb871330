import { Inject, Injectable } from '@nestjs/common';
import {
  evolveIncident,
  incidentStreamId,
  initialIncidentState,
  NotFoundError,
  type Actor,
  type IncidentEvent,
  type OpenedIncidentState,
} from '@engine/domain';
import { serializeRecordedEvent, type EventStore, type RecordedEvent } from '@engine/event-store';
import { EVENT_STORE } from '@engine/platform';

const notFound = () => new NotFoundError('No such incident.', 'incident-not-found');

/**
 * Reads an incident from its stream (not a projection): a client sees its own write at once. A lead
 * sees only its own customer's incidents; another customer's is "not found", never "forbidden".
 */
@Injectable()
export class IncidentReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async read(
    id: string,
    actor: Actor,
  ): Promise<{ state: OpenedIncidentState; events: RecordedEvent[] }> {
    const events = await this.store.readStream(incidentStreamId(id));
    const state = events
      .map((e) => ({ type: e.type, data: e.data }) as IncidentEvent)
      .reduce(evolveIncident, initialIncidentState);
    if (state.status === 'none') throw notFound();
    if (actor.role === 'customer-lead' && actor.org !== state.customerId) throw notFound();
    return { state, events };
  }

  async auditTrail(id: string, actor: Actor) {
    const { events } = await this.read(id, actor);
    return { items: events.map(serializeRecordedEvent) };
  }
}

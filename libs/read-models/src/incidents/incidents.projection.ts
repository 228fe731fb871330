import type { Projection } from '../projection/projection.model';
import { incidentNumberDocument } from './incident-number.projection';
import {
  INCIDENT_STREAM_PREFIX,
  INCIDENTS_TABLE,
  incidentDocument,
  incidentIdOf,
  type IncidentDoc,
} from './incident.projection';
import { slaClockDocument } from './sla-clock.projection';

/**
 * The incident feed's read models: the incidents themselves (lists and queues), the number lookup
 * and the response clocks (SLA report). One projection, so one pass over the feed keeps all three
 * at the same checkpoint; its changes feed the live stream.
 */
export const incidentsProjection: Projection = {
  name: 'incidents',
  streamPrefixes: [INCIDENT_STREAM_PREFIX],
  documents: [incidentDocument, incidentNumberDocument, slaClockDocument],
  describe(event, lookup) {
    const incidentId = incidentIdOf(event);
    if (incidentId === null) return null;
    const doc = lookup(INCIDENTS_TABLE.name, incidentId) as IncidentDoc | null;
    return {
      type: event.type,
      incidentId,
      position: event.position.toString(),
      number: doc?.state.number ?? null,
      customerId: doc?.state.customerId ?? null,
    };
  },
};

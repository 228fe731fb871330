import type { IncidentOpened } from '@engine/domain';
import type { DocumentProjection } from '../projection/projection.model';
import type { TableSchema } from '../schema/table-schema';

/** `INC-1042` -> incident id: how a reference in an email subject finds its incident. */
export interface IncidentNumberDoc {
  readonly number: string;
  readonly incidentId: string;
}

export const INCIDENT_NUMBERS_TABLE: TableSchema = {
  name: 'incident_numbers',
  primaryKey: 'number',
  columns: [
    { name: 'number', type: 'text' },
    { name: 'incident_id', type: 'text' },
  ],
};

const openedData = (data: unknown): IncidentOpened['data'] => data as IncidentOpened['data'];

const numberOf = (data: unknown): string => {
  const number = openedData(data)?.number;
  if (typeof number !== 'string') throw new TypeError('incident.opened without a number');
  return number;
};

export const incidentNumberDocument: DocumentProjection<IncidentNumberDoc> = {
  table: INCIDENT_NUMBERS_TABLE,
  keyOf: (event) => (event.type === 'incident.opened' ? numberOf(event.data) : null),
  evolve: (_doc, event) => ({
    number: numberOf(event.data),
    incidentId: openedData(event.data).incidentId,
  }),
  toRow: (doc) => ({ number: doc.number, incident_id: doc.incidentId }),
  fromRow: (row) => ({ number: String(row.number), incidentId: String(row.incident_id) }),
};

import {
  evolveIncident,
  incidentView,
  initialIncidentState,
  type IncidentEvent,
  type IncidentView,
  type OpenedIncidentState,
} from '@engine/domain';
import type { RecordedEvent } from '@engine/event-store';
import { idAfterPrefix, instant, type DocumentProjection } from '../projection/projection.model';
import type { Row, TableSchema } from '../schema/table-schema';

export const INCIDENT_STREAM_PREFIX = 'incident-';

/** An incident as the read model keeps it: the domain's folded state and its stream position. */
export interface IncidentDoc {
  readonly state: OpenedIncidentState;
  readonly version: bigint;
  readonly position: bigint;
}

export const INCIDENTS_TABLE: TableSchema = {
  name: 'incidents',
  primaryKey: 'id',
  columns: [
    { name: 'id', type: 'text' },
    { name: 'number', type: 'text' },
    { name: 'customer_id', type: 'text' },
    { name: 'plan', type: 'text' },
    { name: 'severity', type: 'integer' },
    { name: 'category', type: 'text' },
    { name: 'status', type: 'text' },
    { name: 'side', type: 'text', nullable: true },
    { name: 'escalation_level', type: 'integer' },
    { name: 'response_sla', type: 'text' },
    { name: 'breached', type: 'boolean' },
    { name: 'received_at', type: 'text' },
    { name: 'response_due_at', type: 'text' },
    { name: 'responded_at', type: 'text', nullable: true },
    { name: 'next_deadline', type: 'text', nullable: true },
    { name: 'status_report_due_at', type: 'text', nullable: true },
    { name: 'customer_side_deadline', type: 'text', nullable: true },
    /** The nearest deadline the vendor owes: the pending response or the next status report. */
    { name: 'vendor_due_at', type: 'text', nullable: true },
    { name: 'closed_at', type: 'text', nullable: true },
    { name: 'close_reason', type: 'text', nullable: true },
    { name: 'version', type: 'bigint' },
    { name: 'position', type: 'bigint' },
    /** The folded OpenedIncidentState as JSON: the representation is `incidentView` of it. */
    { name: 'state', type: 'text' },
  ],
  indexes: [
    ['customer_id', 'received_at'],
    ['received_at'],
    ['response_due_at'],
    ['side', 'next_deadline'],
    ['customer_side_deadline'],
    ['vendor_due_at'],
    ['escalation_level', 'next_deadline'],
  ],
};

const earliest = (...instants: (string | null)[]): string | null =>
  instants.filter((value): value is string => value !== null).sort()[0] ?? null;

/** The vendor's nearest deadline while open: an unanswered response, or the next status report. */
export const vendorDueAt = (state: OpenedIncidentState): string | null =>
  state.status === 'closed'
    ? null
    : earliest(
        state.respondedAt === null ? instant(state.responseDueAt) : null,
        instant(state.statusReport.dueAt),
      );

export const incidentDocument: DocumentProjection<IncidentDoc> = {
  table: INCIDENTS_TABLE,
  keyOf: (event) => idAfterPrefix(event.streamId, INCIDENT_STREAM_PREFIX),
  evolve(doc, event) {
    const state = evolveIncident(doc?.state ?? initialIncidentState, {
      type: event.type,
      data: event.data,
    } as IncidentEvent);
    if (state.status === 'none') return doc;
    return { state, version: event.version, position: event.position };
  },
  toRow({ state, version, position }): Row {
    const view = incidentView(state);
    return {
      id: view.id,
      number: view.number,
      customer_id: view.customerId,
      plan: view.plan,
      severity: view.severity,
      category: view.category,
      status: view.status,
      side: view.side,
      escalation_level: view.escalationLevel,
      response_sla: view.responseSla,
      breached: view.responseSla === 'breached',
      received_at: instant(view.receivedAt),
      response_due_at: instant(view.responseDueAt),
      responded_at: instant(view.respondedAt),
      next_deadline: instant(view.nextDeadline),
      status_report_due_at: instant(view.statusReportDueAt),
      customer_side_deadline: instant(view.customerSideDeadline),
      vendor_due_at: vendorDueAt(state),
      closed_at: instant(view.closedAt),
      close_reason: view.closeReason,
      version,
      position,
      state: JSON.stringify(state),
    };
  },
  fromRow: (row) => ({
    state: JSON.parse(String(row.state)) as OpenedIncidentState,
    version: BigInt(row.version as bigint),
    position: BigInt(row.position as bigint),
  }),
};

/** The API representation (the same as `GET /incidents/:id`) of a stored incident row. */
export const incidentRepresentation = (row: {
  readonly state: string;
  readonly version: unknown;
}): IncidentView & { version: number } => ({
  ...incidentView(JSON.parse(row.state) as OpenedIncidentState),
  version: Number(row.version),
});

/** The incident id an event of the incident feed belongs to. */
export const incidentIdOf = (event: RecordedEvent): string | null =>
  idAfterPrefix(event.streamId, INCIDENT_STREAM_PREFIX);

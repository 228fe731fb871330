import type { IncidentEvent, Plan, Severity } from '@engine/domain';
import { idAfterPrefix, instant, type DocumentProjection } from '../projection/projection.model';
import type { TableSchema } from '../schema/table-schema';
import { INCIDENT_STREAM_PREFIX } from './incident.projection';

/**
 * How a response clock ended: `met` / `breached` by its first response, `breached` at the deadline
 * when the incident closed unanswered after it, `cancelled` when it closed unanswered before the
 * deadline (in practice: withdrawn by the customer). Null while the clock runs.
 */
export type SlaOutcome = 'met' | 'breached' | 'cancelled';

/** One response clock per incident (the clock runs once: a reopening does not restart it). */
export interface SlaClockDoc {
  readonly incidentId: string;
  readonly customerId: string;
  readonly plan: Plan;
  /** The severity the clock was judged under: the incident's severity when the clock ended. */
  readonly severity: Severity;
  readonly receivedAt: string;
  readonly responseDueAt: string;
  readonly endedAt: string | null;
  readonly outcome: SlaOutcome | null;
  /** Set when the clock ended with a response. */
  readonly responseTimeMs: number | null;
  /** The deadline a recorded breach was recorded against. */
  readonly breachedAt: string | null;
  /** Closed out of scope: the report counts these apart. */
  readonly outOfScope: boolean;
  readonly position: bigint;
}

export const SLA_CLOCKS_TABLE: TableSchema = {
  name: 'sla_clocks',
  primaryKey: 'incident_id',
  columns: [
    { name: 'incident_id', type: 'text' },
    { name: 'customer_id', type: 'text' },
    { name: 'plan', type: 'text' },
    { name: 'severity', type: 'integer' },
    { name: 'received_at', type: 'text' },
    { name: 'response_due_at', type: 'text' },
    { name: 'ended_at', type: 'text', nullable: true },
    { name: 'outcome', type: 'text', nullable: true },
    { name: 'response_time_ms', type: 'bigint', nullable: true },
    { name: 'breached_at', type: 'text', nullable: true },
    { name: 'out_of_scope', type: 'boolean' },
    { name: 'position', type: 'bigint' },
  ],
  indexes: [['ended_at']],
};

const running = (doc: SlaClockDoc): boolean => doc.endedAt === null;

/** The clock stops at a response: met or breached as the decider judged it. */
const responded = (
  doc: SlaClockDoc,
  at: string,
  withinTarget: boolean | null,
  responseTimeMs: number | null,
): SlaClockDoc =>
  running(doc)
    ? {
        ...doc,
        endedAt: instant(at),
        outcome: withinTarget ? 'met' : 'breached',
        responseTimeMs: responseTimeMs ?? Date.parse(at) - Date.parse(doc.receivedAt),
      }
    : doc;

/** Closed unanswered: breached at the deadline if it had passed, else cancelled at the closure. */
const closed = (doc: SlaClockDoc, at: string, outOfScope: boolean): SlaClockDoc => {
  if (!running(doc)) return { ...doc, outOfScope };
  const closedAt = instant(at)!;
  const breachedAt = doc.breachedAt ?? (closedAt >= doc.responseDueAt ? doc.responseDueAt : null);
  return breachedAt !== null
    ? { ...doc, endedAt: breachedAt, outcome: 'breached', breachedAt, outOfScope }
    : { ...doc, endedAt: closedAt, outcome: 'cancelled', outOfScope };
};

const evolveClock = (doc: SlaClockDoc, event: IncidentEvent): SlaClockDoc => {
  switch (event.type) {
    case 'incident.responded':
      return responded(doc, event.data.at, event.data.withinTarget, event.data.responseTimeMs);
    case 'incident.awaiting-customer':
      return event.data.firstResponse
        ? responded(doc, event.data.at, event.data.withinTarget, event.data.responseTimeMs)
        : doc;
    case 'incident.severity-changed':
      return running(doc)
        ? { ...doc, severity: event.data.to, responseDueAt: instant(event.data.responseDueAt)! }
        : doc;
    case 'incident.response-sla-breached':
      return doc.breachedAt === null
        ? { ...doc, breachedAt: instant(event.data.responseDueAt) ?? instant(event.data.at) }
        : doc;
    case 'incident.resolved':
    case 'incident.closed-by-timeout':
      return closed(doc, event.data.at, false);
    case 'incident.closed':
      return closed(doc, event.data.at, event.data.reason === 'out-of-scope');
    case 'incident.reopened':
      // A clock that ended without a response (closed unanswered) runs again.
      return doc.endedAt !== null && doc.responseTimeMs === null
        ? { ...doc, endedAt: null, outcome: null, outOfScope: false }
        : { ...doc, outOfScope: false };
    default:
      return doc;
  }
};

export const slaClockDocument: DocumentProjection<SlaClockDoc> = {
  table: SLA_CLOCKS_TABLE,
  keyOf: (event) => idAfterPrefix(event.streamId, INCIDENT_STREAM_PREFIX),
  evolve(doc, event) {
    const incidentEvent = { type: event.type, data: event.data } as IncidentEvent;
    if (incidentEvent.type === 'incident.opened') {
      const d = incidentEvent.data;
      return {
        incidentId: d.incidentId,
        customerId: d.customerId,
        plan: d.plan,
        severity: d.severity,
        receivedAt: instant(d.receivedAt)!,
        responseDueAt: instant(d.responseDueAt)!,
        endedAt: null,
        outcome: null,
        responseTimeMs: null,
        breachedAt: null,
        outOfScope: false,
        position: event.position,
      };
    }
    if (doc === null) return null;
    const next = evolveClock(doc, incidentEvent);
    return next === doc ? doc : { ...next, position: event.position };
  },
  toRow: (doc) => ({
    incident_id: doc.incidentId,
    customer_id: doc.customerId,
    plan: doc.plan,
    severity: doc.severity,
    received_at: doc.receivedAt,
    response_due_at: doc.responseDueAt,
    ended_at: doc.endedAt,
    outcome: doc.outcome,
    response_time_ms: doc.responseTimeMs,
    breached_at: doc.breachedAt,
    out_of_scope: doc.outOfScope,
    position: doc.position,
  }),
  fromRow: (row) => ({
    incidentId: String(row.incident_id),
    customerId: String(row.customer_id),
    plan: row.plan as Plan,
    severity: Number(row.severity) as Severity,
    receivedAt: String(row.received_at),
    responseDueAt: String(row.response_due_at),
    endedAt: row.ended_at === null ? null : String(row.ended_at),
    outcome: row.outcome as SlaOutcome | null,
    responseTimeMs: row.response_time_ms === null ? null : Number(row.response_time_ms),
    breachedAt: row.breached_at === null ? null : String(row.breached_at),
    outOfScope: Boolean(row.out_of_scope),
    position: BigInt(row.position as bigint),
  }),
};

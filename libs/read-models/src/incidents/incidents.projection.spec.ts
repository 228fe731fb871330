import { incidentView, type OpenedIncidentState } from '@engine/domain';
import type { RecordedEvent } from '@engine/event-store';
import { planBatch, type BatchPlan } from '../projection/batch-plan';
import {
  checkSla,
  escalate,
  openIncident,
  recordedIncident,
  requestInformation,
  respond,
  stateAfter,
} from '../testing/incident-scenarios';
import { incidentDocument, incidentRepresentation } from './incident.projection';
import { incidentsProjection } from './incidents.projection';

const T0 = '2026-03-02T09:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();

/** Given these events (from no rows), the rows of `table` the batch writes. */
const rowsAfter = (events: readonly RecordedEvent[], table: string) => {
  const plan: BatchPlan = planBatch(incidentsProjection, events, new Map());
  expect(plan.failure).toBeNull();
  return plan.writes.find((writes) => writes.table.name === table)!.upserts;
};

describe('the incidents projection', () => {
  const open = openIncident({ id: 'i1', number: 'INC-1001', receivedAt: T0, severity: 2 });

  it('given an opened incident, then one new row on the vendor side, its clock pending', () => {
    const [row] = rowsAfter(recordedIncident('i1', [open]), 'incidents');
    expect(row).toMatchObject({
      id: 'i1',
      number: 'INC-1001',
      customer_id: 'acme',
      plan: 'enhanced',
      severity: 2,
      category: 'nginx',
      status: 'new',
      side: 'vendor',
      escalation_level: 0,
      response_sla: 'pending',
      breached: false,
      received_at: T0,
      response_due_at: at(2),
      responded_at: null,
      next_deadline: at(2),
      vendor_due_at: at(2),
      status_report_due_at: null,
      customer_side_deadline: null,
      closed_at: null,
      close_reason: null,
      version: 1n,
      position: 1n,
    });
  });

  it('keeps every field of the representation: the row is incidentView of the folded state', () => {
    const commands = [open, respond(at(1)), requestInformation(at(3)), escalate(at(4))];
    const events = recordedIncident('i1', commands);
    const [row] = rowsAfter(events, 'incidents');
    const expected = stateAfter(commands) as OpenedIncidentState;
    expect(incidentRepresentation({ state: String(row.state), version: row.version })).toEqual({
      ...incidentView(expected),
      version: 4,
    });
    expect(row).toMatchObject({
      status: 'awaiting-customer',
      side: 'customer',
      escalation_level: 1,
      response_sla: 'met',
      responded_at: at(1),
      customer_side_deadline: expected.customerSideDeadline,
      next_deadline: expected.customerSideDeadline,
      vendor_due_at: null,
      version: 4n,
      position: 4n,
    });
  });

  it('marks a breached clock and keeps the unanswered response due for the at-risk queue', () => {
    const events = recordedIncident('i1', [open, checkSla(at(2))]);
    const [row] = rowsAfter(events, 'incidents');
    expect(row).toMatchObject({ response_sla: 'breached', breached: true, vendor_due_at: at(2) });
  });

  it('keeps the number lookup and announces each change with number and customer', () => {
    const events = recordedIncident('i1', [open, respond(at(1))]);
    const plan = planBatch(incidentsProjection, events, new Map());
    expect(plan.writes.find((w) => w.table.name === 'incident_numbers')!.upserts).toEqual([
      { number: 'INC-1001', incident_id: 'i1' },
    ]);
    expect(plan.changes).toEqual([
      {
        type: 'incident.opened',
        incidentId: 'i1',
        position: '1',
        number: 'INC-1001',
        customerId: 'acme',
      },
      {
        type: 'incident.responded',
        incidentId: 'i1',
        position: '2',
        number: 'INC-1001',
        customerId: 'acme',
      },
    ]);
  });

  it('continues from a stored row exactly as from the whole history', () => {
    const commands = [open, respond(at(1)), escalate(at(2))];
    const events = recordedIncident('i1', commands);
    const [firstRow] = rowsAfter(events.slice(0, 1), 'incidents');
    const loaded = new Map([['incidents', new Map([['i1', firstRow]])]]);
    const resumed = planBatch(incidentsProjection, events.slice(1), loaded);
    const [fromScratch] = rowsAfter(events, 'incidents');
    expect(resumed.writes[0].upserts).toEqual([fromScratch]);
  });

  it('ignores events of an incident it never saw opened', () => {
    const events = recordedIncident('i1', [open, respond(at(1))]).slice(1);
    expect(incidentDocument.evolve(null, events[0])).toBeNull();
    expect(rowsAfter(events, 'incidents')).toEqual([]);
  });

  it('stops at an event it cannot apply: the events before it are planned, nothing of it', () => {
    const [good, second] = recordedIncident('i1', [open, respond(at(1))]);
    const broken: RecordedEvent = {
      ...good,
      id: 'broken',
      streamId: 'incident-i2',
      data: { incidentId: 'i2' },
      position: 3n,
    };
    const plan = planBatch(incidentsProjection, [good, second, broken], new Map());
    expect(plan.applied.map((event) => event.position)).toEqual([1n, 2n]);
    expect(plan.failure?.event.id).toBe('broken');
    expect(plan.failure?.message).toMatch(/cannot apply incident.opened at position 3/);
    expect(plan.writes[0].upserts.map((row) => row.id)).toEqual(['i1']);
    expect(plan.changes).toHaveLength(2);
  });
});

import type { IncidentCommand } from '@engine/domain';
import { planBatch } from '../projection/batch-plan';
import {
  changeSeverity,
  checkSla,
  closeOutOfScope,
  openIncident,
  recordedIncident,
  reopen,
  requestInformation,
  resolve,
  respond,
  withdraw,
} from '../testing/incident-scenarios';
import { incidentsProjection } from './incidents.projection';

const T0 = '2026-03-02T09:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(T0) + hours * 3_600_000).toISOString();
const HOUR = 3_600_000;

/** Enhanced severity 2: a 2-hour response target. */
const open = openIncident({ id: 'i1', receivedAt: T0, severity: 2 });

const clockAfter = (commands: readonly IncidentCommand[]) => {
  const plan = planBatch(incidentsProjection, recordedIncident('i1', commands), new Map());
  expect(plan.failure).toBeNull();
  return plan.writes.find((writes) => writes.table.name === 'sla_clocks')!.upserts[0];
};

describe('the response clocks (sla_clocks)', () => {
  it('given an open incident, then a running clock', () => {
    expect(clockAfter([open])).toMatchObject({
      incident_id: 'i1',
      customer_id: 'acme',
      plan: 'enhanced',
      severity: 2,
      received_at: T0,
      response_due_at: at(2),
      ended_at: null,
      outcome: null,
      response_time_ms: null,
      out_of_scope: false,
    });
  });

  it('ends at the first response, met within the target', () => {
    expect(clockAfter([open, respond(at(1.5)), resolve(at(5))])).toMatchObject({
      ended_at: at(1.5),
      outcome: 'met',
      response_time_ms: 1.5 * HOUR,
    });
  });

  it('ends at an information request that is the first response', () => {
    expect(clockAfter([open, requestInformation(at(0.5))])).toMatchObject({
      ended_at: at(0.5),
      outcome: 'met',
      response_time_ms: 0.5 * HOUR,
    });
  });

  it('ends breached at a late response, with its response time', () => {
    expect(clockAfter([open, checkSla(at(2)), respond(at(3))])).toMatchObject({
      ended_at: at(3),
      outcome: 'breached',
      response_time_ms: 3 * HOUR,
      breached_at: at(2),
    });
  });

  it('keeps running after a breach until the incident is answered or closed', () => {
    expect(clockAfter([open, checkSla(at(2))])).toMatchObject({
      ended_at: null,
      outcome: null,
      breached_at: at(2),
    });
  });

  it('ends breached at the deadline when the incident closes unanswered after it', () => {
    expect(clockAfter([open, checkSla(at(2)), withdraw(at(6))])).toMatchObject({
      ended_at: at(2),
      outcome: 'breached',
      response_time_ms: null,
    });
    // No breach recorded yet (the timer was late): the deadline had passed all the same.
    expect(clockAfter([open, withdraw(at(6))])).toMatchObject({
      ended_at: at(2),
      outcome: 'breached',
    });
  });

  it('is cancelled when withdrawn before the deadline, and runs again when reopened', () => {
    expect(clockAfter([open, withdraw(at(1))])).toMatchObject({
      ended_at: at(1),
      outcome: 'cancelled',
    });
    expect(clockAfter([open, withdraw(at(1)), reopen(at(1.5))])).toMatchObject({
      ended_at: null,
      outcome: null,
    });
  });

  it('follows a severity change until it ends, then keeps the severity it was judged under', () => {
    expect(clockAfter([open, changeSeverity(1, at(0.1)), respond(at(0.2))])).toMatchObject({
      severity: 1,
      response_due_at: at(0.5),
      outcome: 'met',
    });
    expect(clockAfter([open, respond(at(1)), changeSeverity(4, at(2))])).toMatchObject({
      severity: 2,
      response_due_at: at(2),
    });
  });

  it('flags an out-of-scope closure (the report counts it apart)', () => {
    expect(clockAfter([open, closeOutOfScope(at(1))])).toMatchObject({
      outcome: 'met',
      ended_at: at(1),
      out_of_scope: true,
    });
  });
});

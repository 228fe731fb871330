import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@engine/event-store';
import { customersProjection } from '../customers/customers.projection';
import { planBatch } from '../projection/batch-plan';
import type { Projection } from '../projection/projection.model';
import { knownErrorsProjection } from './known-errors.projection';

const at = '2026-03-02T09:00:00.000Z';

const feed = (streamId: string, events: { type: string; data: unknown }[]): RecordedEvent[] =>
  events.map((event, index) => ({
    ...event,
    id: randomUUID(),
    metadata: {
      occurredAt: at,
      actor: { id: 'eng-1', role: 'engineer' },
      correlationId: 'c',
      causationId: null,
    },
    streamId,
    version: BigInt(index + 1),
    position: BigInt(index + 1),
  }));

const rowsAfter = (projection: Projection, events: RecordedEvent[]) => {
  const plan = planBatch(projection, events, new Map());
  expect(plan.failure).toBeNull();
  return plan.writes[0].upserts;
};

const link = (incidentId: string, customerId: string) => ({
  type: 'problem.incident-linked',
  data: { incidentId, incidentNumber: `INC-${incidentId}`, customerId, workaround: null, at },
});

describe('the known errors projection', () => {
  const recorded = {
    type: 'problem.recorded',
    data: { problemId: 'p1', title: 'Kernel panic', description: 'After 5.14', at, by: 'eng-1' },
  };

  it('keeps a recorded problem unpublished (not listed) with its links', () => {
    const [row] = rowsAfter(
      knownErrorsProjection,
      feed('problem-p1', [recorded, link('i1', 'acme'), link('i1', 'acme')]),
    );
    expect(row).toMatchObject({
      id: 'p1',
      title: 'Kernel panic',
      status: 'open',
      published_at: null,
    });
    expect(JSON.parse(String(row.linked_incidents))).toEqual([
      { incidentId: 'i1', number: 'INC-i1', customerId: 'acme' },
    ]);
  });

  it('publishes it with root cause, workaround and the incidents of every customer', () => {
    const [row] = rowsAfter(
      knownErrorsProjection,
      feed('problem-p1', [
        recorded,
        link('i1', 'acme'),
        { type: 'problem.root-cause-identified', data: { rootCause: 'Bad initrd', at } },
        { type: 'problem.workaround-identified', data: { workaround: 'Boot 5.13', at } },
        {
          type: 'problem.known-error-published',
          data: {
            problemId: 'p1',
            title: 'Kernel panic',
            rootCause: 'Bad initrd',
            workaround: 'Boot 5.13',
            at,
          },
        },
        link('i2', 'globex'),
      ]),
    );
    expect(row).toMatchObject({
      status: 'known-error',
      root_cause: 'Bad initrd',
      workaround: 'Boot 5.13',
      published_at: at,
      version: 6n,
    });
    expect(
      JSON.parse(String(row.linked_incidents)).map((l: { customerId: string }) => l.customerId),
    ).toEqual(['acme', 'globex']);
  });
});

describe('the customers projection', () => {
  it('counts leads and trained leads, and follows plan and host changes', () => {
    const [row] = rowsAfter(
      customersProjection,
      feed('customer-acme', [
        {
          type: 'customer.registered',
          data: {
            customerId: 'acme',
            name: 'Acme',
            plan: 'essential',
            hosts: 10,
            timeZone: 'UTC',
            holidays: [],
            at,
          },
        },
        { type: 'customer.lead-nominated', data: { userId: 'u1', name: 'Ada', email: 'a@x', at } },
        { type: 'customer.lead-nominated', data: { userId: 'u2', name: 'Bob', email: 'b@x', at } },
        { type: 'customer.lead-trained', data: { userId: 'u1', at } },
        { type: 'customer.plan-changed', data: { from: 'essential', to: 'enhanced', at } },
        { type: 'customer.hosts-changed', data: { from: 10, to: 1500, at } },
      ]),
    );
    expect(row).toMatchObject({
      id: 'acme',
      name: 'Acme',
      plan: 'enhanced',
      hosts: 1500,
      time_zone: 'UTC',
      leads_count: 2,
      trained_leads_count: 1,
      version: 6n,
      position: 6n,
    });
  });
});

import type { EventStore } from '@engine/event-store';
import {
  incidentsProjection,
  InvalidCursorError,
  ReadModelQueries,
  type IncidentItem,
} from '@engine/read-models';
import {
  checkSla,
  escalate,
  openIncident,
  recordIncident,
  requestInformation,
  resolve,
  respond,
} from '../../libs/read-models/src/testing/incident-scenarios';
import {
  KINDS,
  createTarget,
  openReadSide,
  projectAll,
  type ReadSide,
  type TestTarget,
} from './support/read-side-fixture';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const h = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();
const DAY = 24;
const ids = (page: { items: readonly IncidentItem[] }) => page.items.map((item) => item.id);

/** Hand-written incidents: expected queue orders are worked out in the comments. */
async function recordQueueSet(store: EventStore): Promise<void> {
  const acme = { customerId: 'acme' };
  const globex = { customerId: 'globex' };
  // a1 enhanced S2 unanswered: response due h(2).
  await recordIncident(store, 'a1', [
    openIncident({ id: 'a1', receivedAt: h(0), severity: 2, ...acme }),
  ]);
  // a2 S3 answered at h(1.5): next status report due h(1.5) + 14 days.
  await recordIncident(store, 'a2', [
    openIncident({ id: 'a2', receivedAt: h(1), severity: 3, ...acme }),
    respond(h(1.5)),
  ]);
  // a3 S1 unanswered: due h(2.5).
  await recordIncident(store, 'a3', [
    openIncident({ id: 'a3', receivedAt: h(2), severity: 1, ...globex }),
  ]);
  // a4 on the customer's side from h(4): timeout h(4) + 7 days.
  await recordIncident(store, 'a4', [
    openIncident({ id: 'a4', receivedAt: h(3), severity: 3, ...acme }),
    respond(h(3.5)),
    requestInformation(h(4)),
  ]);
  // a5 on the customer's side from h(1): timeout h(1) + 7 days.
  await recordIncident(store, 'a5', [
    openIncident({ id: 'a5', receivedAt: h(0.5), severity: 3, ...globex }),
    requestInformation(h(1)),
  ]);
  // a6 S2 unanswered, escalated to level 1: due h(6).
  await recordIncident(store, 'a6', [
    openIncident({ id: 'a6', receivedAt: h(4), severity: 2, ...acme }),
    escalate(h(4.5)),
  ]);
  // a7 S3 answered at h(5.5) (report due h(5.5) + 14 days), escalated twice: level 2.
  await recordIncident(store, 'a7', [
    openIncident({ id: 'a7', receivedAt: h(5), severity: 3, ...globex }),
    respond(h(5.5)),
    escalate(h(6), 'globex'),
    escalate(h(7), 'globex'),
  ]);
  // a8 resolved: in no queue.
  await recordIncident(store, 'a8', [
    openIncident({ id: 'a8', receivedAt: h(0), severity: 3, ...acme }),
    resolve(h(1)),
  ]);
  // a9 essential S1, breached at h(-1) and still unanswered: no next deadline, response overdue.
  await recordIncident(store, 'a9', [
    openIncident({ id: 'a9', receivedAt: h(-3), severity: 1, plan: 'essential', ...acme }),
    checkSla(h(-1)),
  ]);
}

describe.each(KINDS)('the read-model queries on %s', (kind) => {
  let target: TestTarget;
  let store: EventStore;
  let on: ReadSide;
  let queries: ReadModelQueries;

  beforeAll(async () => {
    target = await createTarget(kind);
    store = await target.openStore();
    on = await openReadSide(target);
    await recordQueueSet(store);
    await projectAll(store, on, incidentsProjection);
    queries = new ReadModelQueries(on.database);
  });

  afterAll(async () => {
    await on?.close();
    await store?.close();
    await target?.drop();
  });

  it('vendor queue: open on the vendor side, the nearest next deadline first, none last', async () => {
    const page = await queries.incidents.vendorQueue({}, {});
    expect(ids(page)).toEqual(['a1', 'a3', 'a6', 'a2', 'a7', 'a9']);
    expect(page.items[0]).toMatchObject({ nextDeadline: h(2), side: 'vendor', version: 1 });
    expect(page.nextCursor).toBeNull();
  });

  it('awaiting-customer queue: the nearest customer-side timeout first', async () => {
    const page = await queries.incidents.awaitingCustomerQueue({}, {});
    expect(ids(page)).toEqual(['a5', 'a4']);
    expect(page.items[0].customerSideDeadline).toBe(h(1 + 7 * DAY));
  });

  it('escalations: escalated open incidents, of one level when asked', async () => {
    expect(ids(await queries.incidents.escalationQueue(undefined, {}, {}))).toEqual(['a6', 'a7']);
    expect(ids(await queries.incidents.escalationQueue(2, {}, {}))).toEqual(['a7']);
    expect(ids(await queries.incidents.escalationQueue(3, {}, {}))).toEqual([]);
  });

  it('at risk: response or report due within the horizon (overdue included), soonest first', async () => {
    const at = (now: number, within: number) =>
      queries.incidents.atRiskQueue(new Date(h(now)), within * 3_600_000, {}, {});
    expect(ids(await at(1, 4))).toEqual(['a9', 'a1', 'a3']);
    expect(ids(await at(1, 6))).toEqual(['a9', 'a1', 'a3', 'a6']);
    expect(ids(await at(1, 15 * DAY))).toEqual(['a9', 'a1', 'a3', 'a6', 'a2', 'a7']);
  });

  it('narrows every queue by severity, plan, customer, side and escalation level', async () => {
    const { incidents } = queries;
    expect(ids(await incidents.vendorQueue({}, {}, { customerId: 'acme' }))).toEqual([
      'a1',
      'a6',
      'a2',
      'a9',
    ]);
    expect(ids(await incidents.vendorQueue({}, {}, { severity: 1 }))).toEqual(['a3', 'a9']);
    expect(ids(await incidents.vendorQueue({}, {}, { plan: 'essential' }))).toEqual(['a9']);
    expect(ids(await incidents.vendorQueue({}, {}, { escalationLevel: 0 }))).toEqual([
      'a1',
      'a3',
      'a2',
      'a9',
    ]);
    // A side filter keeps the other side's queue empty.
    expect(ids(await incidents.vendorQueue({}, {}, { side: 'customer' }))).toEqual([]);
    expect(ids(await incidents.awaitingCustomerQueue({}, {}, { side: 'customer' }))).toEqual([
      'a5',
      'a4',
    ]);
    expect(ids(await incidents.awaitingCustomerQueue({}, {}, { customerId: 'globex' }))).toEqual([
      'a5',
    ]);
    expect(ids(await incidents.escalationQueue(undefined, {}, {}, { severity: 3 }))).toEqual([
      'a7',
    ]);
    expect(ids(await incidents.escalationQueue(undefined, {}, {}, { escalationLevel: 1 }))).toEqual(
      ['a6'],
    );
    const atRisk = (filters: object) =>
      incidents.atRiskQueue(new Date(h(1)), 6 * 3_600_000, {}, {}, filters).then(ids);
    expect(await atRisk({ customerId: 'acme' })).toEqual(['a9', 'a1', 'a6']);
    expect(await atRisk({ severity: 2, side: 'vendor' })).toEqual(['a1', 'a6']);
    expect(await atRisk({ plan: 'enhanced', escalationLevel: 1 })).toEqual(['a6']);
    // The tenant scope still wins over a filter naming another customer.
    expect(
      ids(await incidents.vendorQueue({}, { customerId: 'acme' }, { customerId: 'globex' })),
    ).toEqual([]);
  });

  it('lists with filters, by receivedAt, in pages whose cursors are opaque', async () => {
    const all = ['a9', 'a1', 'a8', 'a5', 'a2', 'a3', 'a4', 'a6', 'a7'];
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queries.incidents.list({}, 'receivedAt', { limit: 4, cursor }, {});
      seen.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all);
    const list = (
      filters: object,
      sort: 'receivedAt' | 'nextDeadline' | 'responseDueAt' = 'receivedAt',
    ) => queries.incidents.list(filters, sort, {}, {}).then(ids);
    expect(await list({ status: 'closed' })).toEqual(['a8']);
    expect(await list({ side: 'customer' })).toEqual(['a5', 'a4']);
    expect(await list({ severity: 1 })).toEqual(['a9', 'a3']);
    expect(await list({ customerId: 'globex' })).toEqual(['a5', 'a3', 'a7']);
    expect(await list({ escalationLevel: 2 })).toEqual(['a7']);
    expect(await list({ breached: true })).toEqual(['a9']);
    expect(await list({ breached: false, plan: 'essential' })).toEqual([]);
    expect(await list({ plan: 'essential' })).toEqual(['a9']);
    expect(await list({ category: 'os-bug' })).toEqual(['a9']);
    expect(await list({ status: 'new', side: 'vendor' }, 'responseDueAt')).toEqual([
      'a9',
      'a1',
      'a3',
      'a6',
    ]);
    expect(await list({}, 'nextDeadline')).toEqual([
      'a1',
      'a3',
      'a6',
      'a5',
      'a4',
      'a2',
      'a7',
      'a8',
      'a9',
    ]);
  });

  it('pages through null sort keys too', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queries.incidents.list({}, 'nextDeadline', { limit: 2, cursor }, {});
      seen.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['a1', 'a3', 'a6', 'a5', 'a4', 'a2', 'a7', 'a8', 'a9']);
  });

  it("scopes a lead's lists to its customer, whatever the filters say", async () => {
    const acme = { customerId: 'acme' };
    expect(ids(await queries.incidents.list({}, 'receivedAt', {}, acme))).toEqual([
      'a9',
      'a1',
      'a8',
      'a2',
      'a4',
      'a6',
    ]);
    expect(
      ids(await queries.incidents.list({ customerId: 'globex' }, 'receivedAt', {}, acme)),
    ).toEqual([]);
    expect(ids(await queries.incidents.vendorQueue({}, acme))).toEqual(['a1', 'a6', 'a2', 'a9']);
  });

  it('refuses a cursor that is not its own', async () => {
    const page = await queries.incidents.list({}, 'receivedAt', { limit: 1 }, {});
    await expect(
      queries.incidents.list({}, 'nextDeadline', { cursor: page.nextCursor! }, {}),
    ).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('finds an incident by its number', async () => {
    expect(await queries.incidents.incidentIdByNumber('INC-a4')).toBe('a4');
    expect(await queries.incidents.incidentIdByNumber('INC-404')).toBeNull();
  });
});

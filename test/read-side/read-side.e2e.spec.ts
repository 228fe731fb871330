import { KINDS } from './support/read-side-fixture';
import {
  customerWithLead,
  openStream,
  startReadSideEngine,
  type ReadSideEngine,
} from './support/read-side-harness';

const incident = {
  severity: 2,
  category: 'nginx',
  title: 'nginx 502',
  description: 'All requests fail.',
};

describe.each(KINDS)('the read side over HTTP (%s)', (kind) => {
  let engine: ReadSideEngine;
  let acmeLead: string;
  let globexLead: string;
  let engineer: string;
  let ops: string;
  let admin: string;
  const opened: Record<string, string[]> = { acme: [], globex: [] };

  const open = async (lead: string, customer: 'acme' | 'globex') => {
    const response = await engine.call('POST', '/incidents', { token: lead, body: incident });
    expect(response.status).toBe(201);
    opened[customer].push(response.body.id);
    return response.body;
  };
  /** Lists eventually show what was written: the read model follows the feed. */
  const eventually = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const list = (token: string, query = '') =>
    eventually(
      () => engine.call('GET', `/incidents${query}`, { token }),
      (response) => response.status !== 200 || response.body.items.length >= 0,
    );

  beforeAll(async () => {
    engine = await startReadSideEngine(kind);
    acmeLead = await customerWithLead(engine, 'acme');
    globexLead = await customerWithLead(engine, 'globex');
    [engineer, ops, admin] = await Promise.all([
      engine.token('engineer'),
      engine.token('ops'),
      engine.token('admin'),
    ]);
    await open(acmeLead, 'acme');
    await open(acmeLead, 'acme');
    await open(globexLead, 'globex');
    await eventually(
      () => engine.call('GET', '/incidents', { token: engineer }),
      (response) => response.body.items?.length === 3,
    );
  }, 60_000);

  // A stream left open must not hold the shutdown up.
  afterAll(() => engine?.close(), 30_000);

  it('GET /incidents: every role; a lead sees only its own customer, whatever it filters', async () => {
    const all = await list(engineer);
    expect(all.status).toBe(200);
    expect(all.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [...opened.acme, ...opened.globex].sort(),
    );
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items[0]).toMatchObject({
      status: 'new',
      side: 'vendor',
      responseSla: 'pending',
      version: 1,
    });

    const mine = await list(acmeLead);
    expect(mine.body.items.map((i: { id: string }) => i.id).sort()).toEqual(
      [...opened.acme].sort(),
    );
    expect((await list(acmeLead, '?customerId=globex')).body.items).toEqual([]);
    expect(
      (await list(ops, '?customerId=globex')).body.items.map((i: { id: string }) => i.id),
    ).toEqual(opened.globex);

    const first = await list(engineer, '?limit=2&sort=responseDueAt');
    expect(first.body.items).toHaveLength(2);
    const rest = await list(
      engineer,
      `?limit=2&sort=responseDueAt&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('has the same representation as GET /incidents/:id', async () => {
    const [id] = opened.acme;
    const single = await engine.call('GET', `/incidents/${id}`, { token: engineer });
    const listed = (await list(engineer)).body.items.find((item: { id: string }) => item.id === id);
    expect(listed).toEqual(single.body);
  });

  it('queues and reports: vendor roles and ops only', async () => {
    for (const path of [
      '/queues/vendor',
      '/queues/awaiting-customer',
      '/queues/escalations?level=1',
      '/queues/at-risk?within=PT4H',
    ]) {
      expect((await engine.call('GET', path, { token: engineer })).status).toBe(200);
      expect((await engine.call('GET', path, { token: ops })).status).toBe(200);
      expect((await engine.call('GET', path, { token: acmeLead })).status).toBe(403);
      expect((await engine.call('GET', path)).status).toBe(401);
    }
    const vendor = await engine.call('GET', '/queues/vendor', { token: engineer });
    expect(vendor.body.items).toHaveLength(3);
    // Severity 2 on Enhanced: 2 hours to respond, all three are due within four.
    const atRisk = await engine.call('GET', '/queues/at-risk?within=PT4H', { token: ops });
    expect(atRisk.body.items).toHaveLength(3);
    // The queues take the list's filters (the dashboard's customer, side, severity...).
    const globexOnly = await engine.call('GET', '/queues/vendor?customerId=globex&severity=2', {
      token: ops,
    });
    expect(globexOnly.body.items.map((item: { id: string }) => item.id)).toEqual(opened.globex);
    const customerSide = await engine.call('GET', '/queues/at-risk?side=customer', { token: ops });
    expect(customerSide.body.items).toEqual([]);
    const report = await engine.call(
      'GET',
      '/reports/sla?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z',
      { token: ops },
    );
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ items: [], totals: { count: 0 } });
    expect(
      (
        await engine.call('GET', '/reports/sla?from=2020-01-01T00:00:00Z&to=2100-01-01T00:00:00Z', {
          token: acmeLead,
        })
      ).status,
    ).toBe(403);
  });

  it.each([
    '/incidents?severity=9',
    '/incidents?severity=two',
    '/incidents?limit=0',
    '/incidents?limit=201',
    '/incidents?sort=title',
    '/incidents?status=open',
    '/incidents?breached=maybe',
    '/incidents?escalationLevel=4',
    '/incidents?cursor=not-a-cursor',
    '/incidents?unknown=1',
    '/queues/escalations?level=0',
    '/queues/vendor?severity=5',
    '/queues/awaiting-customer?plan=gold',
    '/queues/at-risk?side=both',
    '/queues/at-risk?within=4h',
    '/queues/at-risk?within=PT0H',
    '/reports/sla?from=2026-01-01T00:00:00Z',
    '/reports/sla?from=yesterday&to=2026-01-01T00:00:00Z',
    '/reports/sla?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
  ])('answers 400 problem+json to %s', async (path) => {
    const response = await engine.call('GET', path, { token: engineer });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(response.body.errors?.length).toBeGreaterThan(0);
  });

  it('known errors: readable by every lead', async () => {
    const response = await engine.call('GET', '/known-errors', { token: acmeLead });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });

  it('GET /stream: authenticated, tenant-scoped, with ids that resume it', async () => {
    expect((await openStream(`${engine.url}/stream`)).status).toBe(401);
    const asLead = await openStream(`${engine.url}/stream?access_token=${acmeLead}`);
    const asEngineer = await openStream(`${engine.url}/stream`, {
      authorization: `Bearer ${engineer}`,
    });
    expect(asLead.status).toBe(200);
    try {
      await asLead.waitFor(() => asLead.comments.includes('connected'), 'the first comment');
      await asEngineer.waitFor(
        () => asEngineer.comments.includes('connected'),
        'the first comment',
      );
      const theirs = await open(globexLead, 'globex');
      const ours = await open(acmeLead, 'acme');
      await asEngineer.waitFor(
        (frames) => frames.some((f) => (f.data as { incidentId: string }).incidentId === ours.id),
        'ours',
      );
      await asLead.waitFor((frames) => frames.length > 0, 'a change');
      const seenByEngineer = asEngineer.frames.map(
        (f) => (f.data as { incidentId: string }).incidentId,
      );
      expect(seenByEngineer).toEqual([theirs.id, ours.id]);
      expect(asLead.frames).toEqual([
        {
          id: expect.stringMatching(/^\d+$/),
          event: 'incident.opened',
          data: {
            type: 'incident.opened',
            incidentId: ours.id,
            position: asLead.frames[0].id,
            number: ours.number,
            customerId: 'acme',
          },
        },
      ]);
      // Resuming after the globex incident replays ours, from the feed and the read model.
      const globexPosition = asEngineer.frames[0].id!;
      const resumed = await openStream(`${engine.url}/stream`, {
        authorization: `Bearer ${engineer}`,
        'last-event-id': globexPosition,
      });
      await resumed.waitFor((frames) => frames.length >= 1, 'the replay');
      expect(resumed.frames.map((f) => f.id)).toEqual([asEngineer.frames[1].id]);
      resumed.close();
      const resumedLead = await openStream(
        `${engine.url}/stream?access_token=${acmeLead}&lastEventId=0`,
      );
      await resumedLead.waitFor((frames) => frames.length >= 3, 'the replay from the start');
      expect(
        new Set(resumedLead.frames.map((f) => (f.data as { customerId: string }).customerId)),
      ).toEqual(new Set(['acme']));
      resumedLead.close();
    } finally {
      asLead.close();
      asEngineer.close();
    }
  });

  it('POST /admin/projections/:name/rebuild: admin only; rebuilds while reads go on', async () => {
    const leftOpen = await openStream(`${engine.url}/stream?access_token=${ops}`);
    expect(leftOpen.status).toBe(200);
    expect(
      (await engine.call('POST', '/admin/projections/incidents/rebuild', { token: engineer }))
        .status,
    ).toBe(403);
    expect(
      (await engine.call('POST', '/admin/projections/nope/rebuild', { token: admin })).status,
    ).toBe(404);
    const started = await engine.call('POST', '/admin/projections/incidents/rebuild', {
      token: admin,
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      projection: 'incidents',
      state: expect.stringMatching(/rebuilding|swapped/),
    });
    const statuses = await eventually(
      () => engine.call('GET', '/admin/projections', { token: admin }),
      (response) =>
        response.body.items.find((i: { name: string }) => i.name === 'incidents')?.rebuild
          ?.state === 'swapped',
    );
    expect(statuses.body.items.map((i: { name: string }) => i.name)).toEqual(
      expect.arrayContaining(['customers', 'incidents', 'known-errors', 'problem-links']),
    );
    expect(statuses.body.items.find((i: { name: string }) => i.name === 'incidents')).toMatchObject(
      {
        kind: 'projection',
        state: 'ok',
        generation: 1,
        rebuild: { state: 'swapped', generation: 1 },
      },
    );
    expect((await list(engineer)).body.items).toHaveLength(
      opened.acme.length + opened.globex.length,
    );
  });
});

import { STORE_KINDS, startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk } from './support/support-desk';

const HOUR = 3_600_000;

describe.each(STORE_KINDS)('An incident from open to reopen over HTTP (%s)', (kind) => {
  let engine: EngineHarness;
  beforeAll(async () => {
    engine = await startEngine(kind);
  }, 60_000);
  afterAll(() => engine?.close());

  it('registers, nominates and trains a lead; the lead opens; engineers work it; the customer reopens', async () => {
    const admin = await engine.token('admin');
    const registered = await engine.call('POST', '/customers', {
      token: admin,
      body: {
        id: 'acme',
        name: 'Acme Corp',
        plan: 'enhanced',
        hosts: 1500,
        timeZone: 'Europe/Berlin',
      },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      id: 'acme',
      plan: 'enhanced',
      hosts: 1500,
      leadQuota: 4,
      version: 1,
    });
    expect(registered.headers.get('etag')).toBe('"1"');

    const nominated = await engine.call('POST', '/customers/acme/leads', {
      token: admin,
      body: { userId: 'ada', name: 'Ada Lead', email: 'ada@acme.example' },
    });
    expect(nominated.status).toBe(201);
    const lead = await engine.token('customer-lead', { sub: 'ada', org: 'acme' });
    const incident = {
      severity: 3,
      category: 'nginx',
      title: 'nginx 502',
      description: 'All requests fail.',
    };

    const untrained = await engine.call('POST', '/incidents', { token: lead, body: incident });
    expect(untrained.status).toBe(422);
    expect(untrained.body.code).toBe('lead-not-trained');

    expect(
      (await engine.call('POST', '/customers/acme/leads/ada/training', { token: admin })).status,
    ).toBe(200);

    const opened = await engine.call('POST', '/incidents', { token: lead, body: incident });
    expect(opened.status).toBe(201);
    const id = opened.body.id;
    expect(opened.headers.get('location')).toBe(`/incidents/${id}`);
    expect(opened.body).toMatchObject({
      number: expect.stringMatching(/^INC-\d+$/),
      customerId: 'acme',
      plan: 'enhanced',
      policyVersion: '2023-04',
      status: 'new',
      side: 'vendor',
      channel: 'web',
      reportedBy: 'ada',
      responseSla: 'pending',
      version: 1,
    });
    expect(Date.parse(opened.body.responseDueAt) - Date.parse(opened.body.receivedAt)).toBe(
      12 * HOUR,
    );

    const engineer = await engine.token('engineer');
    const responded = await engine.call('POST', `/incidents/${id}/responses`, {
      token: engineer,
      body: { message: 'We are on it.' },
    });
    expect(responded.status).toBe(200);
    expect(responded.body).toMatchObject({ status: 'in-progress', responseSla: 'met', version: 2 });
    expect(responded.headers.get('etag')).toBe('"2"');

    const asked = await engine.call('POST', `/incidents/${id}/information-requests`, {
      token: engineer,
      body: { message: 'Please send the error log.', kind: 'information' },
    });
    expect(asked.body).toMatchObject({
      status: 'awaiting-customer',
      side: 'customer',
      statusReportDueAt: null,
    });
    expect(
      Date.parse(asked.body.customerSideDeadline) - Date.parse(asked.body.awaitingCustomerSince),
    ).toBe(7 * 24 * HOUR);

    const replied = await engine.call('POST', `/incidents/${id}/customer-replies`, {
      token: lead,
      body: { message: 'Attached.' },
    });
    expect(replied.body).toMatchObject({
      status: 'in-progress',
      side: 'vendor',
      customerSideDeadline: null,
    });

    const raised = await engine.call('POST', `/incidents/${id}/severity`, {
      token: engineer,
      body: { severity: 2, reason: 'More users affected' },
    });
    expect(raised.body).toMatchObject({ severity: 2 });
    expect(raised.body.statusReportDueAt).not.toBeNull();

    const reported = await engine.call('POST', `/incidents/${id}/status-reports`, {
      token: engineer,
      body: { summary: 'Root cause found; fix in testing.' },
    });
    expect(reported.status).toBe(200);

    const escalated = await engine.call('POST', `/incidents/${id}/escalations`, {
      token: lead,
      body: { reason: 'unresolved', message: 'Still failing for our shop.' },
    });
    expect(escalated.body).toMatchObject({ escalationLevel: 1 });

    const resolved = await engine.call('POST', `/incidents/${id}/resolution`, {
      token: engineer,
      body: { resolution: 'Upgraded nginx.', workaround: 'Restart nginx hourly.' },
    });
    expect(resolved.body).toMatchObject({
      status: 'closed',
      side: null,
      closeReason: 'resolved',
      workaround: 'Restart nginx hourly.',
    });

    const reopened = await engine.call('POST', `/incidents/${id}/reopen`, {
      token: lead,
      body: { message: 'It is back.' },
    });
    expect(reopened.body).toMatchObject({ status: 'in-progress', side: 'vendor', closedAt: null });

    const fetched = await engine.call('GET', `/incidents/${id}`, { token: engineer });
    expect(fetched.body).toEqual(reopened.body);
    expect(fetched.headers.get('etag')).toBe(`"${reopened.body.version}"`);

    const trail = await engine.call('GET', `/incidents/${id}/events`, { token: lead });
    expect(trail.body.items.map((e: { type: string }) => e.type)).toEqual([
      'incident.opened',
      'incident.responded',
      'incident.awaiting-customer',
      'incident.customer-responded',
      'incident.severity-changed',
      'incident.status-report-posted',
      'incident.escalated',
      'incident.resolved',
      'incident.reopened',
    ]);
    expect(trail.body.items[1]).toMatchObject({
      streamId: `incident-${id}`,
      version: '2',
      metadata: { actor: { id: 'engineer-1', role: 'engineer' } },
    });
  }, 60_000);

  it('numbers incidents uniquely and increasingly', async () => {
    const desk = await supportDesk(engine, { customerId: 'globex' });
    const numbers: number[] = [];
    for (let i = 0; i < 3; i++) numbers.push(Number((await desk.open()).number.slice(4)));
    expect(numbers[1]).toBeGreaterThan(numbers[0]);
    expect(numbers[2]).toBeGreaterThan(numbers[1]);
  }, 30_000);

  it('previews the response deadline with the same arithmetic', async () => {
    const engineer = await engine.token('engineer');
    const preview = await engine.call(
      'GET',
      '/sla/preview?plan=essential&severity=3&receivedAt=2026-11-27T16:00:00Z',
      {
        token: engineer,
      },
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      target: { businessDays: 2 },
      responseDueAt: '2026-12-01T16:00:00.000Z',
    });
  });
});

describe('The OpenAPI document', () => {
  it('is generated from the code and lists every command endpoint', async () => {
    const engine = await startEngine('sqlite');
    try {
      const answer = await engine.call('GET', '/openapi.json');
      expect(answer.status).toBe(200);
      const paths = Object.keys(answer.body.paths);
      for (const path of [
        '/customers',
        '/customers/{id}/leads',
        '/incidents',
        '/incidents/{id}',
        '/incidents/{id}/events',
        '/incidents/{id}/responses',
        '/incidents/{id}/information-requests',
        '/incidents/{id}/customer-replies',
        '/incidents/{id}/severity',
        '/incidents/{id}/status-reports',
        '/incidents/{id}/status-report-requests',
        '/incidents/{id}/status-report-schedule',
        '/incidents/{id}/escalations',
        '/incidents/{id}/resolution',
        '/incidents/{id}/closure',
        '/incidents/{id}/reopen',
        '/problems',
        '/sla/preview',
      ])
        expect(paths).toContain(path);
      expect(answer.body.components.schemas.OpenIncidentDto.properties.severity).toMatchObject({
        minimum: 1,
        maximum: 4,
      });
    } finally {
      await engine.close();
    }
  }, 30_000);
});

import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk, type SupportDesk } from './support/support-desk';

/** The default policy with a 2-second reopen window, so the window's end is reachable in a test. */
function shortReopenPolicy(): string {
  const yaml = readFileSync(join(__dirname, '../policy/almacare.yaml'), 'utf8')
    .replace('version: "2023-04"', 'version: "e2e-short-reopen"')
    .replace(/reopenWindow: P14D/, 'reopenWindow: PT2S');
  const path = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.yaml');
  writeFileSync(path, yaml);
  return path;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Every refusal of the API, with its status and code', () => {
  let engine: EngineHarness;
  let desk: SupportDesk;
  beforeAll(async () => {
    engine = await startEngine('sqlite', { SUPPORT_POLICY: shortReopenPolicy() });
    desk = await supportDesk(engine, { hosts: 500 });
  }, 60_000);
  afterAll(() => engine?.close());

  const expectProblem = (
    answer: { status: number; headers: Headers; body: any },
    status: number,
    code: string,
  ) => {
    expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      status,
      title: expect.any(String),
      type: expect.any(String),
    });
  };

  it('lead-quota-exceeded: 2 leads per 1000 hosts', async () => {
    await engine.call('POST', '/customers/acme/leads', {
      token: desk.admin,
      body: { userId: 'second', name: 'Second Lead', email: 'second@acme.example' },
    });
    const third = await engine.call('POST', '/customers/acme/leads', {
      token: desk.admin,
      body: { userId: 'third', name: 'Third Lead', email: 'third@acme.example' },
    });
    expectProblem(third, 422, 'lead-quota-exceeded');
    expect(third.body).toMatchObject({ quota: 2, leads: 2 });
  });

  it('lead-not-trained', async () => {
    const second = await engine.token('customer-lead', { sub: 'second', org: 'acme' });
    expectProblem(
      await engine.call('POST', '/incidents', {
        token: second,
        body: { severity: 3, category: 'nginx', title: 't', description: 'd' },
      }),
      422,
      'lead-not-trained',
    );
  });

  it('not-a-lead is 403', async () => {
    const stranger = await engine.token('customer-lead', { sub: 'stranger', org: 'acme' });
    expectProblem(
      await engine.call(
        'GET',
        '/sla/preview?plan=essential&severity=1&receivedAt=2026-11-27T16:00:00Z',
        { token: stranger },
      ),
      403,
      'not-a-lead',
    );
  });

  it('category-not-covered lists the covered categories', async () => {
    const answer = await engine.call('POST', '/incidents', {
      token: desk.lead,
      body: { severity: 3, category: 'windows-server', title: 't', description: 'd' },
    });
    expectProblem(answer, 422, 'category-not-covered');
    expect(answer.body.covered).toEqual(expect.arrayContaining(['nginx', 'os-bug']));
  });

  it('escalation-max-level', async () => {
    const incident = await desk.open();
    for (let level = 1; level <= 3; level++)
      expect(
        (
          await engine.call('POST', `/incidents/${incident.id}/escalations`, {
            token: desk.lead,
            body: { reason: 'unresolved', message: 'm' },
          })
        ).body.escalationLevel,
      ).toBe(level);
    expectProblem(
      await engine.call('POST', `/incidents/${incident.id}/escalations`, {
        token: desk.lead,
        body: { reason: 'unresolved', message: 'm' },
      }),
      422,
      'escalation-max-level',
    );
  });

  it('status-report-too-frequent and status-report-scheduled', async () => {
    const s1 = await desk.open({ severity: 1 });
    expectProblem(
      await engine.call('POST', `/incidents/${s1.id}/status-report-schedule`, {
        token: desk.engineer,
        body: { every: 'PT12H' },
      }),
      422,
      'status-report-too-frequent',
    );
    await engine.call('POST', `/incidents/${s1.id}/responses`, {
      token: desk.engineer,
      body: { message: 'On it.' },
    });
    const scheduled = await engine.call('POST', `/incidents/${s1.id}/status-report-requests`, {
      token: desk.lead,
      body: {},
    });
    expectProblem(scheduled, 422, 'status-report-scheduled');
    expect(scheduled.body.statusReportDueAt).toEqual(expect.any(String));
  });

  it('incident-closed, then reopen-window-passed', async () => {
    const incident = await desk.open();
    await engine.call('POST', `/incidents/${incident.id}/resolution`, {
      token: desk.engineer,
      body: { resolution: 'Fixed.' },
    });
    expectProblem(
      await engine.call('POST', `/incidents/${incident.id}/responses`, {
        token: desk.engineer,
        body: { message: 'x' },
      }),
      422,
      'incident-closed',
    );
    await sleep(2_100);
    expectProblem(
      await engine.call('POST', `/incidents/${incident.id}/reopen`, { token: desk.lead, body: {} }),
      422,
      'reopen-window-passed',
    );
  });

  it('incident-not-found is 404; a malformed id too', async () => {
    expectProblem(
      await engine.call('GET', '/incidents/no-such-incident', { token: desk.engineer }),
      404,
      'incident-not-found',
    );
    expectProblem(
      await engine.call('GET', '/incidents/%20bad%20', { token: desk.engineer }),
      404,
      'not-found',
    );
  });

  it('no token is 401, a wrong role 403', async () => {
    expectProblem(await engine.call('GET', '/incidents/x'), 401, 'unauthorized');
    expectProblem(
      await engine.call('POST', '/customers', {
        token: desk.engineer,
        body: { name: 'n', plan: 'enhanced', hosts: 1 },
      }),
      403,
      'forbidden',
    );
  });

  it('If-Match mismatch is 412 and records nothing', async () => {
    const incident = await desk.open();
    const answer = await engine.call('POST', `/incidents/${incident.id}/responses`, {
      token: desk.engineer,
      body: { message: 'x' },
      headers: { 'if-match': '"7"' },
    });
    expectProblem(answer, 412, 'precondition-failed');
    expect(
      (await engine.call('GET', `/incidents/${incident.id}`, { token: desk.engineer })).body
        .version,
    ).toBe(1);
  });

  it('closure codes: a limitation code is required for out-of-scope, a reference for duplicates', async () => {
    const incident = await desk.open();
    expectProblem(
      await engine.call('POST', `/incidents/${incident.id}/closure`, {
        token: desk.engineer,
        body: { reason: 'out-of-scope' },
      }),
      422,
      'closure-code-required',
    );
    expectProblem(
      await engine.call('POST', `/incidents/${incident.id}/closure`, {
        token: desk.engineer,
        body: { reason: 'out-of-scope', code: 'already-resolved' },
      }),
      422,
      'closure-reference-required',
    );
    expectProblem(
      await engine.call('POST', `/incidents/${incident.id}/closure`, {
        token: desk.engineer,
        body: { reason: 'duplicate' },
      }),
      422,
      'closure-reference-required',
    );
  });
});

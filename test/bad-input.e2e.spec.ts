import { startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk, type SupportDesk } from './support/support-desk';

type Who = 'admin' | 'engineer' | 'lead';
interface Endpoint {
  readonly path: (id: string) => string;
  readonly who: Who;
  /** A body the endpoint accepts, to derive the bad ones from. */
  readonly valid: Record<string, unknown>;
  readonly bad: readonly Record<string, unknown>[];
}

const MEGABYTE = 'x'.repeat(1024 * 1024);

const endpoints: Record<string, Endpoint> = {
  'POST /customers': {
    path: () => '/customers',
    who: 'admin',
    valid: { name: 'N', plan: 'enhanced', hosts: 10 },
    bad: [
      { plan: 'gold' },
      { hosts: 0 },
      { hosts: '10' },
      { hosts: 1.5 },
      { holidays: ['2026-13-45'] },
      { holidays: 'christmas' },
      { timeZone: 42 },
    ],
  },
  'POST /customers/:id/leads': {
    path: () => '/customers/acme/leads',
    who: 'admin',
    valid: { userId: 'u9', name: 'N', email: 'n@acme.example' },
    bad: [{ email: 'not-an-email' }, { userId: '' }, { userId: 'has spaces' }, { name: 7 }],
  },
  'POST /incidents': {
    path: () => '/incidents',
    who: 'lead',
    valid: { severity: 3, category: 'nginx', title: 't', description: 'd' },
    bad: [
      { severity: 5 },
      { severity: 0 },
      { severity: '3' },
      { kind: 'complaint' },
      { category: 'Not Kebab' },
      { title: '' },
      { description: null },
    ],
  },
  'POST /incidents/:id/responses': {
    path: (id) => `/incidents/${id}/responses`,
    who: 'engineer',
    valid: { message: 'm' },
    bad: [{ message: '' }, { message: 3 }],
  },
  'POST /incidents/:id/workaround': {
    path: (id) => `/incidents/${id}/workaround`,
    who: 'engineer',
    valid: { workaround: 'w' },
    bad: [{ workaround: [] }],
  },
  'POST /incidents/:id/information-requests': {
    path: (id) => `/incidents/${id}/information-requests`,
    who: 'engineer',
    valid: { message: 'm', kind: 'information' },
    bad: [{ kind: 'gossip' }, { kind: null }],
  },
  'POST /incidents/:id/customer-replies': {
    path: (id) => `/incidents/${id}/customer-replies`,
    who: 'lead',
    valid: { message: 'm' },
    bad: [{ message: { text: 'm' } }],
  },
  'POST /incidents/:id/severity': {
    path: (id) => `/incidents/${id}/severity`,
    who: 'engineer',
    valid: { severity: 2, reason: 'r' },
    bad: [{ severity: 9 }, { severity: 2.5 }, { reason: '' }],
  },
  'POST /incidents/:id/status-reports': {
    path: (id) => `/incidents/${id}/status-reports`,
    who: 'engineer',
    valid: { summary: 's' },
    bad: [{ summary: false }],
  },
  'POST /incidents/:id/status-report-schedule': {
    path: (id) => `/incidents/${id}/status-report-schedule`,
    who: 'engineer',
    valid: { every: 'P1D' },
    bad: [{ every: 'daily' }, { every: 'P1Y' }, { every: 86400 }],
  },
  'POST /incidents/:id/escalations': {
    path: (id) => `/incidents/${id}/escalations`,
    who: 'lead',
    valid: { reason: 'unresolved', message: 'm' },
    bad: [{ reason: 'angry' }],
  },
  'POST /incidents/:id/resolution': {
    path: (id) => `/incidents/${id}/resolution`,
    who: 'engineer',
    valid: { resolution: 'r' },
    bad: [{ resolution: '' }, { workaround: 1 }],
  },
  'POST /incidents/:id/closure': {
    path: (id) => `/incidents/${id}/closure`,
    who: 'engineer',
    valid: { reason: 'out-of-scope', code: 'incorrect-use' },
    bad: [{ reason: 'bored' }, { code: 'no-such-code' }, { reference: 'not an id!' }],
  },
  'POST /incidents/:id/reopen': {
    path: (id) => `/incidents/${id}/reopen`,
    who: 'lead',
    valid: {},
    bad: [{ message: 5 }],
  },
  'POST /problems': {
    path: () => '/problems',
    who: 'engineer',
    valid: { title: 't', description: 'd' },
    bad: [{ title: '' }],
  },
};

describe('Bad input for every POST endpoint: 4xx problem+json (415 for a body that is not JSON), nothing recorded', () => {
  let engine: EngineHarness;
  let desk: SupportDesk;
  const tokens: Record<Who, string> = { admin: '', engineer: '', lead: '' };
  beforeAll(async () => {
    engine = await startEngine('sqlite');
    desk = await supportDesk(engine);
    Object.assign(tokens, { admin: desk.admin, engineer: desk.engineer, lead: desk.lead });
  }, 60_000);
  afterAll(() => engine?.close());

  it.each(Object.entries(endpoints))(
    '%s',
    async (_name, endpoint) => {
      const incident = await desk.open();
      const before = await engine.store.readAll(0n, 100_000);
      const missing = Object.keys(endpoint.valid).map((field) => {
        const body = { ...endpoint.valid };
        delete body[field];
        return body;
      });
      const bodies: Array<{ body?: unknown; raw?: string; status: number | '4xx' }> = [
        ...endpoint.bad.map((bad) => ({ body: { ...endpoint.valid, ...bad }, status: 400 })),
        ...missing.map((body) => ({ body, status: '4xx' as const })),
        { body: { ...endpoint.valid, unexpected: true }, status: 400 },
        { body: { ...endpoint.valid, message: MEGABYTE, title: MEGABYTE }, status: 413 },
        { raw: '{"message": "unterminated', status: 400 },
        { body: [endpoint.valid], status: 400 },
      ];
      for (const { body, raw, status } of bodies) {
        const answer = await engine.call('POST', endpoint.path(incident.id), {
          token: tokens[endpoint.who],
          body,
          raw,
        });
        const sent = raw ?? JSON.stringify(body).slice(0, 120);
        // A missing field is a shape error (400) or, where the rule lives in the domain, a refusal (422).
        const got =
          status === '4xx' && answer.status >= 400 && answer.status < 500 ? '4xx' : answer.status;
        expect({ sent, status: got }).toEqual({ sent, status });
        expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(answer.body).toMatchObject({ status: answer.status, code: expect.any(String) });
        if (status === 400 && answer.body.code === 'validation-failed')
          expect(answer.body.errors).toEqual(
            expect.arrayContaining([
              expect.objectContaining({ field: expect.any(String), message: expect.any(String) }),
            ]),
          );
      }
      // Bodies are JSON: a form or plain text is refused as such, whatever it holds.
      for (const [type, raw] of [
        ['application/x-www-form-urlencoded', 'message=m&workaround=w&title=t'],
        ['text/plain', 'm'],
      ]) {
        const answer = await engine.call('POST', endpoint.path(incident.id), {
          token: tokens[endpoint.who],
          raw,
          headers: { 'content-type': type },
        });
        expect({ type, status: answer.status, code: answer.body?.code }).toEqual({
          type,
          status: 415,
          code: 'unsupported-media-type',
        });
      }
      expect(await engine.store.readAll(0n, 100_000)).toEqual(before);
    },
    60_000,
  );
});

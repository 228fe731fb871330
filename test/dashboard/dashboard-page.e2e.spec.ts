import { startEngine, type EngineHarness } from '../support/engine-harness';

describe('the dashboard page and its files (public; the API keeps its tokens)', () => {
  let engine: EngineHarness;

  beforeAll(async () => {
    engine = await startEngine('sqlite');
  }, 60_000);
  afterAll(() => engine?.close());

  const get = (path: string) => fetch(`${engine.url}${path}`);

  it('serves the page at / without a token, locked to its own scripts', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/dashboard/main.js"></script>');
    expect(html).toContain('Support desk operations');
  });

  it('serves its modules and styles without a token', async () => {
    for (const [file, type] of [
      ['main.js', /^text\/javascript/],
      ['live.js', /^text\/javascript/],
      ['dashboard.css', /^text\/css/],
    ] as const) {
      const response = await get(`/dashboard/${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(type);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const types = await (await get('/dashboard/event-types.js')).text();
    expect(types).toContain('"incident.opened"');
    expect(types).toContain('"incident.response-sla-breached"');
  });

  it.each(['/dashboard/nothing.js', '/dashboard/..%2Fpackage.json', '/dashboard/'])(
    'answers %s 404 problem+json',
    async (path) => {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await response.json()) as { code: string }).code).toBe('not-found');
    },
  );

  it('keeps the API, the docs and the queue board as they were', async () => {
    expect((await get('/queues/vendor')).status).toBe(401);
    expect((await get('/stream')).status).toBe(401);
    expect((await get('/admin/queues')).status).toBe(401);
    expect((await get('/docs')).status).toBe(200);
    const openapi = (await (await get('/openapi.json')).json()) as any;
    const paths = Object.keys(openapi.paths);
    expect(paths).toContain('/queues/vendor');
    expect(paths).not.toContain('/');
    expect(paths.some((path) => path.startsWith('/dashboard'))).toBe(false);
    const vendorQueue = openapi.paths['/queues/vendor'].get.parameters.map(
      (parameter: { name: string }) => parameter.name,
    );
    expect(vendorQueue).toEqual(
      expect.arrayContaining(['side', 'severity', 'plan', 'customerId', 'escalationLevel']),
    );
  });
});

import { startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk, type SupportDesk } from './support/support-desk';

describe('Bull Board at /admin/queues: actions for admin, read-only for ops and vendors', () => {
  let engine: EngineHarness;
  let desk: SupportDesk;
  beforeAll(async () => {
    engine = await startEngine('sqlite');
    desk = await supportDesk(engine);
  }, 60_000);
  afterAll(() => engine?.close());

  const queues = async (token: string) => {
    const answer = await engine.call(
      'GET',
      '/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10',
      { token },
    );
    expect(answer.status).toBe(200);
    return answer.body.queues as Array<{ name: string; readOnlyMode: boolean }>;
  };

  it('refuses callers without a token (401) and customer leads (403)', async () => {
    expect((await engine.call('GET', '/admin/queues')).status).toBe(401);
    expect((await engine.call('GET', '/admin/queues', { token: desk.lead })).status).toBe(403);
  });

  it('shows every engine queue to ops and engineers, read-only', async () => {
    for (const token of [desk.ops, desk.engineer]) {
      const listed = await queues(token);
      expect(listed.map((q) => q.name).sort()).toEqual([
        'incident-timers',
        'intake-notifications',
        'webhook-deliveries',
      ]);
      expect(listed.every((q) => q.readOnlyMode)).toBe(true);
    }
    const pause = await engine.call('PUT', '/admin/queues/api/queues/incident-timers/pause', {
      token: desk.ops,
    });
    expect(pause.status).toBeGreaterThanOrEqual(400);
  });

  it('lets an admin act on a queue', async () => {
    const listed = await queues(desk.admin);
    expect(listed.every((q) => !q.readOnlyMode)).toBe(true);
    const paused = await engine.call('PUT', '/admin/queues/api/queues/incident-timers/pause', {
      token: desk.admin,
    });
    expect(paused.status).toBeLessThan(300);
    const resumed = await engine.call('PUT', '/admin/queues/api/queues/incident-timers/resume', {
      token: desk.admin,
    });
    expect(resumed.status).toBeLessThan(300);
  });

  it('serves the page to a browser: the token once in the URL, then a cookie scoped to the board', async () => {
    const page = await fetch(`${engine.url}/admin/queues?access_token=${desk.ops}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/admin\/queues/);
    const api = await fetch(
      `${engine.url}/admin/queues/api/queues?activeQueue=&page=1&jobsPerPage=10`,
      {
        headers: { cookie: cookie.split(';')[0]! },
      },
    );
    expect(api.status).toBe(200);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { incidentStreamId } from '@engine/domain';
import { startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk, type SupportDesk } from './support/support-desk';
import { TIMER_POLICY } from './timers/support/timer-policy';
import { eventually } from './timers/support/timer-engine';
import { WebhookReceiver } from './webhooks/support/webhook-receiver';

jest.setTimeout(60_000);

/** The value of one sample of the exposition (0 when it is not there yet). */
const sample = (text: string, series: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
};

describe('logs, correlation ids and metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'observability-e2e-'));
  const lines: string[] = [];
  const receiver = new WebhookReceiver();
  let engine: EngineHarness;
  let desk: SupportDesk;

  const scrape = async (): Promise<string> => {
    const answer = await engine.call('GET', '/metrics');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
    return answer.body as string;
  };
  const logged = (): any[] => lines.map((line) => JSON.parse(line));

  beforeAll(async () => {
    const policy = join(dir, 'policy.yaml');
    writeFileSync(policy, TIMER_POLICY); // response targets of seconds
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    await receiver.start();
    engine = await startEngine(
      'sqlite',
      {
        SUPPORT_POLICY: policy,
        WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'),
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      },
      { logger: pino({ level: 'info' }, capture) },
    );
    desk = await supportDesk(engine);
  });
  afterAll(async () => {
    await engine?.close();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('echoes X-Correlation-Id and records it in the metadata of the events the command appends', async () => {
    const opened = await engine.call('POST', '/incidents', {
      token: desk.lead,
      headers: { 'X-Correlation-Id': 'abc-123' },
      body: { severity: 3, category: 'nginx', title: '502', description: 'Since 10:00.' },
    });
    expect(opened.status).toBe(201);
    expect(opened.headers.get('x-correlation-id')).toBe('abc-123');
    const events = await engine.store.readStream(incidentStreamId(opened.body.id));
    expect(events.map((e) => [e.type, e.metadata.correlationId])).toEqual([
      ['incident.opened', 'abc-123'],
    ]);

    // X-Request-Id when X-Correlation-Id is malformed; a new UUID without either.
    const fallback = await engine.call('POST', `/incidents/${opened.body.id}/responses`, {
      token: desk.engineer,
      headers: { 'X-Correlation-Id': 'not valid', 'X-Request-Id': 'req-42' },
      body: { message: 'Looking.' },
    });
    expect(fallback.status).toBe(200);
    const generated = await engine.call('GET', `/incidents/${opened.body.id}`, {
      token: desk.engineer,
    });
    expect(fallback.headers.get('x-correlation-id')).toBe('req-42');
    expect(generated.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const after = await engine.store.readStream(incidentStreamId(opened.body.id));
    expect(after.at(-1)?.metadata.correlationId).toBe('req-42');
  });

  it('logs each request as one JSON line with its correlation id, without its headers', async () => {
    const answer = await engine.call('GET', '/incidents?limit=1', {
      token: desk.engineer,
      headers: { 'X-Correlation-Id': 'log-line-1' },
    });
    expect(answer.status).toBe(200);
    const line = await eventually(
      async () => logged().find((entry) => entry.correlationId === 'log-line-1'),
      5_000,
      'the request log line',
    );
    expect(line).toMatchObject({
      level: 30,
      req: { method: 'GET', url: '/incidents' },
      res: { statusCode: 200 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect(lines.join('\n')).not.toContain(desk.engineer); // tokens never reach the log
    await scrape();
    await engine.call('GET', '/health/live');
    expect(logged().filter((entry) => /^\/(metrics|health)/.test(entry.req?.url ?? ''))).toEqual(
      [],
    );
  });

  it('counts commands by type and outcome, with their latency and the events they append', async () => {
    const before = await scrape();
    await desk.open();
    const refused = await engine.call('POST', '/incidents', {
      token: desk.lead,
      body: { severity: 3, category: 'windows-server', title: 't', description: 'd' },
    });
    expect(refused.body.code).toBe('category-not-covered');
    const after = await scrape();
    const accepted = 'engine_commands_total{type="OpenIncident",outcome="accepted"}';
    const refusal =
      'engine_commands_total{type="OpenIncident",outcome="refused",code="category-not-covered"}';
    const latency = 'engine_command_duration_seconds_count{type="OpenIncident"}';
    const opened = 'engine_events_appended_total{type="incident.opened"}';
    expect(sample(after, accepted) - sample(before, accepted)).toBe(1);
    expect(sample(after, refusal) - sample(before, refusal)).toBe(1);
    expect(sample(after, latency) - sample(before, latency)).toBe(2);
    expect(sample(after, opened) - sample(before, opened)).toBe(1);
    expect(after).toMatch(/^engine_process_resident_memory_bytes \d+/m);
  });

  it('reports the lag of every projection', async () => {
    const text = await scrape();
    for (const projection of ['incidents', 'customers', 'timer-scheduler', 'webhook-dispatcher'])
      for (const gauge of ['engine_projection_lag_events', 'engine_projection_lag_seconds'])
        expect(text).toMatch(new RegExp(`^${gauge}\\{projection="${projection}"\\} \\d`, 'm'));
  });

  it("observes timer lateness and counts a breach; the timer's events carry the opening's correlation id", async () => {
    const before = await scrape();
    const breaches = 'engine_sla_breaches_total{kind="response",severity="1"}';
    const opened = await engine.call('POST', '/incidents', {
      token: desk.lead,
      headers: { 'X-Correlation-Id': 'chain-7' },
      body: { severity: 1, category: 'nginx', title: 'Down', description: 'All down.' }, // 4 s
    });
    expect(opened.status).toBe(201);
    expect(
      sample(await scrape(), 'engine_timers_pending{queue="incident-timers"}'),
    ).toBeGreaterThan(0);
    const breach = await eventually(
      async () =>
        (await engine.store.readStream(incidentStreamId(opened.body.id))).find(
          (e) => e.type === 'incident.response-sla-breached',
        ),
      15_000,
      'the response breach',
    );
    expect(breach.metadata.correlationId).toBe('chain-7');
    expect(breach.metadata.commandId).toMatch(/^timer:/);
    const after = await scrape();
    expect(sample(after, breaches) - sample(before, breaches)).toBe(1);
    const fired = 'engine_timer_lateness_seconds_count';
    expect(sample(after, fired) - sample(before, fired)).toBeGreaterThanOrEqual(2); // at risk, breach
    expect(sample(after, 'engine_timer_lateness_seconds_bucket{le="5"}')).toBe(
      sample(after, fired),
    );
  });

  it('counts webhook deliveries by outcome', async () => {
    const subscribed = await engine.call('POST', '/webhooks', {
      token: desk.admin,
      body: { url: `${receiver.url}/hook`, types: ['incident.opened'] },
    });
    expect(subscribed.status).toBe(201);
    const delivered = 'engine_webhook_deliveries_total{outcome="delivered"}';
    const before = sample(await scrape(), delivered);
    await desk.open({ title: 'Delivered downstream' });
    await eventually(
      async () => (receiver.at('/hook').length > 0 ? true : undefined),
      15_000,
      'the delivery',
    );
    await eventually(
      async () => (sample(await scrape(), delivered) > before ? true : undefined),
      5_000,
      'the delivery counted',
    );
  });

  it('reports the timer and webhook workers in /health/ready', async () => {
    const ready = await engine.call('GET', '/health/ready');
    expect(ready.body.checks).toMatchObject({ timerWorker: 'up', webhookWorker: 'up' });
  });
});

describe('/metrics with METRICS_TOKEN', () => {
  it('answers 401 problem+json without the token, the metrics with it', async () => {
    const engine = await startEngine('sqlite', { METRICS_TOKEN: 'scrape-secret' });
    try {
      const refused = await engine.call('GET', '/metrics');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(refused.body.code).toBe('unauthorized');
      expect(refused.headers.get('www-authenticate')).toBe('Bearer');
      const wrong = await engine.call('GET', '/metrics', {
        headers: { authorization: 'Bearer nope' },
      });
      expect(wrong.status).toBe(401);
      const allowed = await engine.call('GET', '/metrics', {
        headers: { authorization: 'Bearer scrape-secret' },
      });
      expect(allowed.status).toBe(200);
      expect(allowed.body).toContain('engine_commands_total');
      const openapi = await engine.call('GET', '/openapi.json');
      expect(Object.keys(openapi.body.paths)).not.toContain('/metrics');
    } finally {
      await engine.close();
    }
  });
});

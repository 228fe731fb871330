import { STORE_KINDS, startEngine, type EngineHarness } from './support/engine-harness';
import { supportDesk, type SupportDesk } from './support/support-desk';

describe.each(STORE_KINDS)('Concurrent and repeated commands (%s)', (kind) => {
  let engine: EngineHarness;
  let desk: SupportDesk;
  beforeAll(async () => {
    engine = await startEngine(kind);
    desk = await supportDesk(engine);
  }, 60_000);
  afterAll(() => engine?.close());

  it('50 concurrent commands on one incident: none lost, each applied or 409', async () => {
    const incident = await desk.open();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        engine.call('POST', `/incidents/${incident.id}/responses`, {
          token: desk.engineer,
          body: { message: `comment ${i}` },
        }),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
    const applied = statuses.filter((s) => s === 200).length;
    const events = await engine.store.readStream(`incident-${incident.id}`);
    // The opening event, then one event per applied command (the first one is the response).
    expect(events).toHaveLength(1 + applied);
    const messages = events.slice(1).map((e) => (e.data as { message: string }).message);
    expect(new Set(messages).size).toBe(applied);
    expect(
      answers.filter((a) => a.status === 409).every((a) => a.body.code === 'concurrency-conflict'),
    ).toBe(true);
  }, 60_000);

  it('with If-Match, exactly one of two racing writers wins; the other gets 412', async () => {
    const incident = await desk.open();
    const [a, b] = await Promise.all(
      ['first', 'second'].map((message) =>
        engine.call('POST', `/incidents/${incident.id}/responses`, {
          token: desk.engineer,
          body: { message },
          headers: { 'if-match': '"1"' },
        }),
      ),
    );
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    expect(await engine.store.readStream(`incident-${incident.id}`)).toHaveLength(2);
  }, 30_000);

  it('the same POST /incidents with one Idempotency-Key, 5 times in parallel: one incident', async () => {
    const key = `open-${kind}-${Date.now()}`;
    const body = {
      severity: 2,
      category: 'nginx',
      title: 'Idempotent',
      description: 'Sent five times.',
    };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        engine.call('POST', '/incidents', {
          token: desk.lead,
          body,
          headers: { 'idempotency-key': key },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const opened = (await engine.store.readAll(0n, 10_000)).filter(
      (e) => e.type === 'incident.opened' && (e.data as { title: string }).title === 'Idempotent',
    );
    expect(opened).toHaveLength(1);
    const reused = await engine.call('POST', '/incidents', {
      token: desk.lead,
      body: { ...body, title: 'Another body' },
      headers: { 'idempotency-key': key },
    });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency-key-reused');
  }, 30_000);
});

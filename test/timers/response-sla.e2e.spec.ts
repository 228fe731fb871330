import { count, eventually, sleep, startTimerEngine, typesOf } from './support/timer-engine';
import { supportDesk, type SupportDesk } from '../support/support-desk';

const ms = (instant: string) => Date.parse(instant);

describe('Response SLA timers (Enhanced S1 4 s, S3 12 s; at risk at 75 %)', () => {
  let engine: Awaited<ReturnType<typeof startTimerEngine>>;
  let desk: SupportDesk;

  beforeAll(async () => {
    engine = await startTimerEngine();
    desk = await supportDesk(engine);
  }, 60_000);
  afterAll(() => engine?.dispose());

  it('records at-risk, then the breach exactly once: never before its time, promptly after it', async () => {
    const incident = await desk.open({ severity: 1 });
    const atRisk = await eventually(
      async () =>
        (await engine.events(incident.id)).find((e) => e.type === 'incident.response-sla-at-risk'),
      15_000,
      'at-risk',
    );
    const atRiskAt = ms(incident.responseDueAt) - 1_000; // 75 % of 4 s
    expect(ms(atRisk.data.at)).toBeGreaterThanOrEqual(atRiskAt);
    expect(ms(atRisk.data.at) - atRiskAt).toBeLessThan(3_000);

    const breach = await eventually(
      async () =>
        (await engine.events(incident.id)).find((e) => e.type === 'incident.response-sla-breached'),
      15_000,
      'breach',
    );
    expect(ms(breach.data.at)).toBeGreaterThanOrEqual(ms(incident.responseDueAt));
    expect(ms(breach.data.at) - ms(incident.responseDueAt)).toBeLessThan(3_000);
    expect(breach.metadata.actor).toEqual({ id: 'system', role: 'system' });

    await sleep(2_000); // nothing fires twice
    const events = await engine.events(incident.id);
    expect(count(events, 'incident.response-sla-at-risk')).toBe(1);
    expect(count(events, 'incident.response-sla-breached')).toBe(1);
    const state = await engine.call('GET', `/incidents/${incident.id}`, { token: desk.engineer });
    expect(state.body.responseSla).toBe('breached');
  }, 40_000);

  it('moves both clocks when the severity changes before the response', async () => {
    const incident = await desk.open({ severity: 1 }); // due in 4 s
    const changed = await engine.call('POST', `/incidents/${incident.id}/severity`, {
      token: desk.engineer,
      body: { severity: 3, reason: 'Only a test system is affected' },
    });
    expect(changed.status).toBe(200);
    const dueAt = ms(changed.body.responseDueAt); // received + 12 s
    expect(dueAt - ms(incident.receivedAt)).toBe(12_000);

    await sleep(Math.max(0, ms(incident.responseDueAt) + 2_000 - Date.now()));
    expect(typesOf(await engine.events(incident.id))).not.toContain(
      'incident.response-sla-at-risk',
    );

    const breach = await eventually(
      async () =>
        (await engine.events(incident.id)).find((e) => e.type === 'incident.response-sla-breached'),
      20_000,
      'the moved breach',
    );
    expect(ms(breach.data.at)).toBeGreaterThanOrEqual(dueAt);
    expect(ms(breach.data.at) - dueAt).toBeLessThan(3_000);
    const events = await engine.events(incident.id);
    const atRisk = events.find((e) => e.type === 'incident.response-sla-at-risk')!;
    expect(ms(atRisk.data.at)).toBeGreaterThanOrEqual(dueAt - 3_000);
    expect(count(events, 'incident.response-sla-at-risk')).toBe(1);
    expect(count(events, 'incident.response-sla-breached')).toBe(1);
  }, 40_000);

  it('a change to a shorter target brings both forward', async () => {
    const incident = await desk.open({ severity: 3 }); // due in 12 s
    await engine.call('POST', `/incidents/${incident.id}/severity`, {
      token: desk.engineer,
      body: { severity: 1, reason: 'Production is down' },
    });
    const dueAt = ms(incident.receivedAt) + 4_000;
    const breach = await eventually(
      async () =>
        (await engine.events(incident.id)).find((e) => e.type === 'incident.response-sla-breached'),
      10_000,
      'the breach brought forward',
    );
    expect(ms(breach.data.at)).toBeGreaterThanOrEqual(dueAt);
    expect(ms(breach.data.at)).toBeLessThan(ms(incident.responseDueAt) - 4_000);
  }, 30_000);

  it('a response before them cancels both: nothing is recorded later', async () => {
    const incident = await desk.open({ severity: 1 });
    const responded = await engine.call('POST', `/incidents/${incident.id}/responses`, {
      token: desk.engineer,
      body: { message: 'We are on it.' },
    });
    expect(responded.status).toBe(200);
    await sleep(Math.max(0, ms(incident.responseDueAt) + 2_500 - Date.now()));
    const events = typesOf(await engine.events(incident.id));
    expect(events).not.toContain('incident.response-sla-at-risk');
    expect(events).not.toContain('incident.response-sla-breached');
    const state = await engine.call('GET', `/incidents/${incident.id}`, { token: desk.engineer });
    expect(state.body.responseSla).toBe('met');
  }, 30_000);
});

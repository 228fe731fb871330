import { count, eventually, sleep, startTimerEngine, typesOf } from './support/timer-engine';
import { supportDesk, type SupportDesk } from '../support/support-desk';

const ms = (instant: string) => Date.parse(instant);

describe('Customer-side timers (limit 6 s, reminders 4 s and 2 s before it)', () => {
  let engine: Awaited<ReturnType<typeof startTimerEngine>>;
  let desk: SupportDesk;

  beforeAll(async () => {
    engine = await startTimerEngine();
    desk = await supportDesk(engine);
  }, 60_000);
  afterAll(() => engine?.dispose());

  const awaitingCustomer = async () => {
    const incident = await desk.open({ severity: 3 });
    const asked = await engine.call('POST', `/incidents/${incident.id}/information-requests`, {
      token: desk.engineer,
      body: { message: 'Which nginx version?', kind: 'information' },
    });
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe('awaiting-customer');
    return asked.body;
  };

  it('no reply: both reminders, then closed by timeout at the deadline', async () => {
    const incident = await awaitingCustomer();
    const deadline = ms(incident.customerSideDeadline);
    const closed = await eventually(
      async () => {
        const events = await engine.events(incident.id);
        return events.some((e) => e.type === 'incident.closed-by-timeout') ? events : undefined;
      },
      15_000,
      'the timeout',
    );
    const reminders = closed.filter((e) => e.type === 'incident.customer-reminded');
    expect(reminders.map((e) => e.data.reminder)).toEqual([0, 1]);
    expect(ms(reminders[0].data.at)).toBeGreaterThanOrEqual(deadline - 4_000);
    expect(ms(reminders[1].data.at)).toBeGreaterThanOrEqual(deadline - 2_000);
    const timeout = closed.find((e) => e.type === 'incident.closed-by-timeout')!;
    expect(ms(timeout.data.at)).toBeGreaterThanOrEqual(deadline);
    expect(ms(timeout.data.at) - deadline).toBeLessThan(3_000);
    expect(typesOf(closed).slice(-3)).toEqual([
      'incident.customer-reminded',
      'incident.customer-reminded',
      'incident.closed-by-timeout',
    ]);
    const state = await engine.call('GET', `/incidents/${incident.id}`, { token: desk.engineer });
    expect(state.body).toMatchObject({ status: 'closed', closeReason: 'timeout' });
  }, 30_000);

  it('a reply before the limit keeps the incident open: no reminder, no timeout later', async () => {
    const incident = await awaitingCustomer();
    const replied = await engine.call('POST', `/incidents/${incident.id}/customer-replies`, {
      token: desk.lead,
      body: { message: 'nginx 1.24' },
    });
    expect(replied.body.status).toBe('in-progress');
    await sleep(Math.max(0, ms(incident.customerSideDeadline) + 2_500 - Date.now()));
    const events = await engine.events(incident.id);
    expect(typesOf(events)).not.toContain('incident.customer-reminded');
    expect(typesOf(events)).not.toContain('incident.closed-by-timeout');
    const state = await engine.call('GET', `/incidents/${incident.id}`, { token: desk.engineer });
    expect(state.body.status).toBe('in-progress');
  }, 30_000);

  it('a reply racing the timeout never leaves the incident both replied to and closed', async () => {
    const incidents = await Promise.all(
      [-150, -50, 0, 50, 150].map(async (offset) => ({
        offset,
        incident: await awaitingCustomer(),
      })),
    );
    const outcomes = await Promise.all(
      incidents.map(async ({ offset, incident }) => {
        await sleep(Math.max(0, ms(incident.customerSideDeadline) + offset - Date.now()));
        const reply = await engine.call('POST', `/incidents/${incident.id}/customer-replies`, {
          token: desk.lead,
          body: { message: 'Here are the logs' },
        });
        await sleep(2_500);
        return { reply, events: await engine.events(incident.id) };
      }),
    );
    for (const { reply, events } of outcomes) {
      const replied = count(events, 'incident.customer-responded');
      const timedOut = count(events, 'incident.closed-by-timeout');
      expect(replied + timedOut).toBe(1);
      if (timedOut === 1) {
        expect(reply.status).toBe(422);
        expect(reply.body.code).toBe('incident-closed');
      } else {
        expect(reply.status).toBe(200);
        expect(reply.body.status).toBe('in-progress');
      }
    }
  }, 40_000);
});

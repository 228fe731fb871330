import { count, eventually, sleep, startTimerEngine } from './support/timer-engine';
import { startThrowawayRedis, type ThrowawayRedis } from './support/throwaway-redis';
import { supportDesk, type SupportDesk } from '../support/support-desk';

const ms = (instant: string) => Date.parse(instant);

describe('Reconciling timers after Redis lost everything (a throwaway redis-server)', () => {
  let redis: ThrowawayRedis;
  let engine: Awaited<ReturnType<typeof startTimerEngine>>;
  let desk: SupportDesk;

  beforeAll(async () => {
    redis = await startThrowawayRedis();
    engine = await startTimerEngine({ REDIS_URL: redis.url });
    desk = await supportDesk(engine);
  }, 60_000);
  afterAll(async () => {
    await engine?.dispose();
    await redis?.stop();
  });

  it('only an admin may reconcile', async () => {
    const refused = await engine.call('POST', '/admin/timers/reconcile', { token: desk.engineer });
    expect(refused.status).toBe(403);
  });

  it('every pending deadline still fires after FLUSHALL and a reconcile', async () => {
    const unanswered = await desk.open({ severity: 2 }); // at risk at 6 s, breached at 8 s
    const waiting = await desk.open({ severity: 3 });
    const asked = await engine.call('POST', `/incidents/${waiting.id}/information-requests`, {
      token: desk.engineer,
      body: { message: 'Which version?', kind: 'information' },
    });
    // The scheduler has scheduled them: 2 response timers, 2 reminders and the timeout.
    await eventually(
      async () =>
        (await redis.client.zcard(`${engine.prefix}:incident-timers:delayed`)) >= 5
          ? true
          : undefined,
      5_000,
      'the jobs to be scheduled',
    );

    await redis.client.flushall();
    expect(await redis.client.dbsize()).toBe(0);

    const first = await engine.call('POST', '/admin/timers/reconcile', { token: desk.admin });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ incidents: 2, scheduled: 5, alreadyScheduled: 0 });
    const again = await engine.call('POST', '/admin/timers/reconcile', { token: desk.admin });
    expect(again.body).toEqual({ incidents: 2, scheduled: 0, alreadyScheduled: 5 });

    const closed = await eventually(
      async () => {
        const events = await engine.events(waiting.id);
        return events.some((e) => e.type === 'incident.closed-by-timeout') ? events : undefined;
      },
      15_000,
      'the customer-side timeout',
    );
    expect(count(closed, 'incident.customer-reminded')).toBe(2);
    expect(ms(closed.at(-1)!.data.at)).toBeGreaterThanOrEqual(ms(asked.body.customerSideDeadline));

    const breached = await eventually(
      async () => {
        const events = await engine.events(unanswered.id);
        return events.some((e) => e.type === 'incident.response-sla-breached') ? events : undefined;
      },
      15_000,
      'the breach',
    );
    expect(count(breached, 'incident.response-sla-at-risk')).toBe(1);
    expect(count(breached, 'incident.response-sla-breached')).toBe(1);
    const breach = breached.find((e) => e.type === 'incident.response-sla-breached')!;
    expect(ms(breach.data.at)).toBeGreaterThanOrEqual(ms(unanswered.responseDueAt));
    await sleep(1_000);
    expect(count(await engine.events(unanswered.id), 'incident.response-sla-breached')).toBe(1);
  }, 40_000);
});

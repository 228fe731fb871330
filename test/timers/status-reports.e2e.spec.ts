import { count, eventually, sleep, startTimerEngine, typesOf } from './support/timer-engine';
import { supportDesk, type SupportDesk } from '../support/support-desk';

const ms = (instant: string) => Date.parse(instant);

/** Seconds policy: S1 every 5 s until agreed (at least 5 s), S3 every 5 s, S4 within 4 s of a request. */
describe('Status-report timers', () => {
  let engine: Awaited<ReturnType<typeof startTimerEngine>>;
  let desk: SupportDesk;

  beforeAll(async () => {
    engine = await startTimerEngine();
    desk = await supportDesk(engine);
  }, 60_000);
  afterAll(() => engine?.dispose());

  const respond = async (severity: number) => {
    const incident = await desk.open({ severity });
    const responded = await engine.call('POST', `/incidents/${incident.id}/responses`, {
      token: desk.engineer,
      body: { message: 'Looking into it.' },
    });
    expect(responded.status).toBe(200);
    return responded.body;
  };

  const overdue = (id: string, timeoutMs: number) =>
    eventually(
      async () =>
        (await engine.events(id)).find((e) => e.type === 'incident.status-report-overdue'),
      timeoutMs,
      `an overdue status report on ${id}`,
    );

  it('S3 (calendar cadence): overdue once at the due time; a report restarts the clock', async () => {
    const incident = await respond(3);
    const dueAt = ms(incident.statusReportDueAt);
    expect(dueAt - ms(incident.respondedAt)).toBe(5_000);
    const first = await overdue(incident.id, 12_000);
    expect(ms(first.data.at)).toBeGreaterThanOrEqual(dueAt);
    expect(ms(first.data.at) - dueAt).toBeLessThan(3_000);
    await sleep(1_500);
    expect(count(await engine.events(incident.id), 'incident.status-report-overdue')).toBe(1);

    const posted = await engine.call('POST', `/incidents/${incident.id}/status-reports`, {
      token: desk.engineer,
      body: { summary: 'Reproduced; a fix is being tested.' },
    });
    const nextDue = ms(posted.body.statusReportDueAt);
    await eventually(
      async () =>
        count(await engine.events(incident.id), 'incident.status-report-overdue') === 2
          ? true
          : undefined,
      12_000,
      'the second overdue',
    );
    const second = (await engine.events(incident.id)).filter(
      (e) => e.type === 'incident.status-report-overdue',
    )[1];
    expect(second.data.dueAt).toBe(new Date(nextDue).toISOString());
    expect(ms(second.data.at)).toBeGreaterThanOrEqual(nextDue);
  }, 40_000);

  it('pauses while awaiting the customer and resumes with the time that was left', async () => {
    const incident = await respond(3); // due 5 s after the response
    await sleep(1_000);
    const asked = await engine.call('POST', `/incidents/${incident.id}/information-requests`, {
      token: desk.engineer,
      body: { message: 'Please send the error log.', kind: 'information' },
    });
    expect(asked.body.statusReportDueAt).toBeNull();
    const left = ms(incident.statusReportDueAt) - ms(asked.body.awaitingCustomerSince);
    // Past the original due time, still on the customer's side (the limit is 6 s): nothing owed.
    await sleep(Math.max(0, ms(incident.statusReportDueAt) + 1_000 - Date.now()));
    const replied = await engine.call('POST', `/incidents/${incident.id}/customer-replies`, {
      token: desk.lead,
      body: { message: 'Attached.' },
    });
    expect(replied.body.status).toBe('in-progress');
    expect(typesOf(await engine.events(incident.id))).not.toContain(
      'incident.status-report-overdue',
    );
    const resumedDue = ms(replied.body.statusReportDueAt);
    const repliedAt = ms(
      (await engine.events(incident.id)).find((e) => e.type === 'incident.customer-responded')!.data
        .at,
    );
    expect(resumedDue - repliedAt).toBe(left);
    const late = await overdue(incident.id, 12_000);
    expect(ms(late.data.at)).toBeGreaterThanOrEqual(resumedDue);
    expect(ms(late.data.at) - resumedDue).toBeLessThan(3_000);
  }, 40_000);

  it('S1: overdue at the default cadence, and at the agreed one once agreed', async () => {
    const byDefault = await respond(1);
    const agreed = await respond(1);
    const agreement = await engine.call('POST', `/incidents/${agreed.id}/status-report-schedule`, {
      token: desk.engineer,
      body: { every: 'PT8S' },
    });
    expect(agreement.status).toBe(200);
    const agreedDue = ms(agreement.body.statusReportDueAt);
    expect(agreedDue - ms(agreed.respondedAt)).toBe(8_000);

    const first = await overdue(byDefault.id, 12_000);
    expect(ms(first.data.at)).toBeGreaterThanOrEqual(ms(byDefault.statusReportDueAt));
    // The agreed cadence is longer than the default: nothing is owed yet on the other one.
    if (Date.now() < agreedDue - 500)
      expect(typesOf(await engine.events(agreed.id))).not.toContain(
        'incident.status-report-overdue',
      );
    const second = await overdue(agreed.id, 12_000);
    expect(ms(second.data.at)).toBeGreaterThanOrEqual(agreedDue);
    expect(ms(second.data.at) - agreedDue).toBeLessThan(3_000);
  }, 40_000);

  it('S4: nothing is owed until the customer asks, then the report is due within 4 s', async () => {
    const incident = await respond(4);
    expect(incident.statusReportDueAt).toBeNull();
    await sleep(6_000);
    expect(typesOf(await engine.events(incident.id))).not.toContain(
      'incident.status-report-overdue',
    );
    const asked = await engine.call('POST', `/incidents/${incident.id}/status-report-requests`, {
      token: desk.lead,
      body: { message: 'Where are we?' },
    });
    expect(asked.status).toBe(200);
    const dueAt = ms(asked.body.statusReportDueAt);
    const late = await overdue(incident.id, 12_000);
    expect(ms(late.data.at)).toBeGreaterThanOrEqual(dueAt);
    expect(ms(late.data.at) - dueAt).toBeLessThan(3_000);
  }, 40_000);
});

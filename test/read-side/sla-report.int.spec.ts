import type { EventStore } from '@engine/event-store';
import { incidentsProjection, ReadModelQueries } from '@engine/read-models';
import {
  changeSeverity,
  checkSla,
  closeOutOfScope,
  openIncident,
  recordIncident,
  respond,
  withdraw,
} from '../../libs/read-models/src/testing/incident-scenarios';
import {
  KINDS,
  createTarget,
  openReadSide,
  projectAll,
  type ReadSide,
  type TestTarget,
} from './support/read-side-fixture';

describe.each(KINDS)('the SLA report on %s', (kind) => {
  let target: TestTarget;
  let store: EventStore;
  let on: ReadSide;

  beforeAll(async () => {
    target = await createTarget(kind);
    store = await target.openStore();
    on = await openReadSide(target);
    const day = (iso: string, hours = 0) =>
      new Date(Date.parse(iso) + hours * 3_600_000).toISOString();
    const record = (
      id: string,
      receivedAt: string,
      plan: 'enhanced' | 'essential',
      severity: 1 | 2 | 3,
      steps: (t: (hours: number) => string) => ReturnType<typeof respond>[],
    ) =>
      recordIncident(store, id, [
        openIncident({ id, receivedAt, plan, severity }),
        ...steps((hours) => day(receivedAt, hours)),
      ]);
    // Enhanced severity 2 (2 h target).
    await record('s1', '2026-03-02T09:00:00.000Z', 'enhanced', 2, (t) => [respond(t(1))]); // met 1 h
    await record('s2', '2026-03-03T09:00:00.000Z', 'enhanced', 2, (t) => [respond(t(0.5))]); // met 30 min
    await record('s3', '2026-03-04T09:00:00.000Z', 'enhanced', 2, (t) => [
      checkSla(t(2)),
      respond(t(3)),
    ]); // breached 3 h
    await record('s4', '2026-03-05T09:00:00.000Z', 'enhanced', 2, (t) => [withdraw(t(1))]); // cancelled
    await record('s5', '2026-03-06T09:00:00.000Z', 'enhanced', 2, (t) => [
      checkSla(t(2)),
      withdraw(t(5)),
    ]); // breached, no response
    await record('s6', '2026-03-07T09:00:00.000Z', 'enhanced', 2, (t) => [
      respond(t(0.25)),
      closeOutOfScope(t(1)),
    ]); // apart
    // Enhanced severity 3 raised to 2 before the response: judged as severity 2, met in 1 h.
    await record('s11', '2026-03-12T09:00:00.000Z', 'enhanced', 3, (t) => [
      changeSeverity(2, t(1 / 6)),
      respond(t(1)),
    ]);
    // Essential severity 1 (2 h target).
    await record('s7', '2026-03-10T09:00:00.000Z', 'essential', 1, (t) => [respond(t(1.5))]); // met 90 min
    await record('s8', '2026-03-31T23:00:00.000Z', 'essential', 1, (t) => [respond(t(1.5))]); // ends in April
    await record('s9', '2026-02-28T23:00:00.000Z', 'essential', 1, (t) => [respond(t(70 / 60))]); // ends in March
    await record('s10', '2026-03-20T09:00:00.000Z', 'essential', 1, (t) => [checkSla(t(2))]); // still running
    await projectAll(store, on, incidentsProjection);
  });

  afterAll(async () => {
    await on?.close();
    await store?.close();
    await target?.drop();
  });

  it('counts the clocks that ended in the period, by plan and severity (hand-computed)', async () => {
    const report = await new ReadModelQueries(on.database).slaReport.report(
      new Date('2026-03-01T00:00:00.000Z'),
      new Date('2026-04-01T00:00:00.000Z'),
    );
    expect(report.items).toEqual([
      {
        plan: 'enhanced',
        severity: 2,
        count: 6, // s1 s2 s3 s4 s5 s11 (s6 apart)
        met: 3, // s1 s2 s11
        breached: 2, // s3 s5
        cancelled: 1, // s4
        achievementPct: 60,
        medianResponseMs: 3_600_000, // 30 min, 1 h, 1 h, 3 h
        p90ResponseMs: 10_800_000,
        outOfScope: 1, // s6
      },
      {
        plan: 'essential',
        severity: 1,
        count: 2, // s7 s9
        met: 2,
        breached: 0,
        cancelled: 0,
        achievementPct: 100,
        medianResponseMs: 4_800_000, // (70 + 90) / 2 min
        p90ResponseMs: 5_400_000,
        outOfScope: 0,
      },
    ]);
    expect(report.totals).toMatchObject({
      count: 8,
      met: 5,
      breached: 2,
      achievementPct: 71.43,
      outOfScope: 1,
    });
  });

  it('puts a clock in the period it ended in', async () => {
    const april = await new ReadModelQueries(on.database).slaReport.report(
      new Date('2026-04-01T00:00:00.000Z'),
      new Date('2026-05-01T00:00:00.000Z'),
    );
    expect(april.items).toEqual([
      expect.objectContaining({ plan: 'essential', severity: 1, count: 1, met: 1 }),
    ]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, eventually, sleep, startTimerEngine, testPrefix } from './support/timer-engine';
import { supportDesk } from '../support/support-desk';

/**
 * Two engine instances on one store and one queue, as two replicas would run: both run a
 * scheduler (one holds the lease, the other stands by) and a worker (they compete for the jobs).
 */
describe('Two engine instances on one store and one queue', () => {
  const dir = mkdtempSync(join(tmpdir(), 'timers-two-'));
  const shared = { SQLITE_PATH: join(dir, 'engine.sqlite'), TIMERS_QUEUE_PREFIX: testPrefix() };
  let a: Awaited<ReturnType<typeof startTimerEngine>>;
  let b: Awaited<ReturnType<typeof startTimerEngine>>;

  beforeAll(async () => {
    a = await startTimerEngine(shared);
    b = await startTimerEngine(shared);
  }, 60_000);
  afterAll(async () => {
    await b?.dispose();
    await a?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("record every timer's event exactly once", async () => {
    const desk = await supportDesk(a);
    const viaB = await supportDesk(b, { customerId: 'globex' });
    const unanswered = await Promise.all([
      desk.open({ severity: 1 }),
      desk.open({ severity: 1 }),
      viaB.open({ severity: 1 }),
      viaB.open({ severity: 1 }),
    ]);
    const waiting = await Promise.all(
      [desk, viaB].map(async (d, n) => {
        const incident = await d.open({ severity: 3 });
        await (n === 0 ? a : b).call('POST', `/incidents/${incident.id}/information-requests`, {
          token: d.engineer,
          body: { message: 'Which version?', kind: 'information' },
        });
        return incident;
      }),
    );
    for (const incident of unanswered)
      await eventually(
        async () =>
          count(await a.events(incident.id), 'incident.response-sla-breached') > 0
            ? true
            : undefined,
        15_000,
        `the breach of ${incident.id}`,
      );
    for (const incident of waiting)
      await eventually(
        async () =>
          count(await b.events(incident.id), 'incident.closed-by-timeout') > 0 ? true : undefined,
        15_000,
        `the timeout of ${incident.id}`,
      );
    await sleep(2_000);
    for (const incident of unanswered) {
      const events = await b.events(incident.id);
      expect(count(events, 'incident.response-sla-at-risk')).toBe(1);
      expect(count(events, 'incident.response-sla-breached')).toBe(1);
    }
    for (const incident of waiting) {
      const events = await a.events(incident.id);
      expect(count(events, 'incident.customer-reminded')).toBe(2);
      expect(count(events, 'incident.closed-by-timeout')).toBe(1);
    }
  }, 60_000);
});

import { pendingTimers, type IncidentTimer } from '@engine/domain';
import {
  readIncidentState,
  timerFirer,
  timerJob,
  TimerQueue,
  TimerWorker,
  type TimerFiring,
} from '@engine/timers';
import { dropPrefix, eventually, REDIS_URL, testPrefix } from './support/timer-engine';
import { openTimerStore, type TimerStore } from './support/timer-store';

const TIMER_EVENTS = ['incident.response-sla-at-risk', 'incident.response-sla-breached'];

describe('Two timer workers on one queue', () => {
  const prefix = testPrefix();
  let db: TimerStore;
  let queue: TimerQueue;

  beforeAll(async () => {
    db = await openTimerStore();
    queue = TimerQueue.open({ url: REDIS_URL, prefix });
  });
  afterAll(async () => {
    await queue?.close();
    await db?.close();
    await dropPrefix(REDIS_URL, prefix);
  });

  it("record every timer's event exactly once", async () => {
    const ids = Array.from({ length: 40 }, (_, n) => `competing-${n}`);
    const timers: IncidentTimer[] = [];
    for (const id of ids) {
      await db.open(id, 1); // at risk after 3 s, breached after 4 s
      const pending = pendingTimers(await readIncidentState(db.store, id));
      timers.push(...pending);
      await queue.sync(id, pending);
    }
    // A second producer scheduling the same timers again (a replayed batch, a reconcile) adds nothing.
    const second = TimerQueue.open({ url: REDIS_URL, prefix });
    const results = await Promise.all(
      ids.map(async (id) =>
        second.ensure(id, pendingTimers(await readIncidentState(db.store, id))),
      ),
    );
    await second.close();
    expect(results.reduce((sum, r) => sum + r.scheduled, 0)).toBe(0);

    const fired: Record<string, TimerFiring[]> = { a: [], b: [] };
    const worker = (name: 'a' | 'b') =>
      new TimerWorker({
        store: db.store,
        policies: db.policies,
        redis: { url: REDIS_URL, prefix },
        concurrency: 8,
        onFired: (firing) => fired[name].push(firing),
      });
    const workers = [worker('a'), worker('b')];
    try {
      await eventually(
        async () => (fired.a.length + fired.b.length >= timers.length ? true : undefined),
        20_000,
        `${timers.length} firings`,
      );
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
    // Each job ran once, on one of the workers, and both took part.
    const jobIds = [...fired.a, ...fired.b].map((f) => f.jobId);
    expect(new Set(jobIds).size).toBe(jobIds.length);
    expect(new Set(jobIds)).toEqual(new Set(timers.map((t) => timerJob(t).id)));
    expect(fired.a.length).toBeGreaterThan(0);
    expect(fired.b.length).toBeGreaterThan(0);
    for (const id of ids) {
      const events = await db.store.readStream(`incident-${id}`);
      for (const type of TIMER_EVENTS)
        expect(events.filter((event) => event.type === type)).toHaveLength(1);
    }
    for (const firing of [...fired.a, ...fired.b])
      expect(Date.parse(firing.now)).toBeGreaterThanOrEqual(Date.parse(firing.data.dueAt));
  }, 40_000);

  it('a job that fires twice at once records its events once', async () => {
    await db.open('twice', 1);
    const state = await readIncidentState(db.store, 'twice');
    const breach = pendingTimers(state).find((t) => t.kind === 'response-breach')!;
    const job = timerJob(breach);
    const fire = timerFirer({ store: db.store, policies: db.policies });
    const firings = await Promise.all([fire(job.id, job.data), fire(job.id, job.data)]);
    // Both waited for the due time; the decider recorded at-risk and breach once.
    for (const firing of firings)
      expect(Date.parse(firing.now)).toBeGreaterThanOrEqual(Date.parse(breach.dueAt));
    const events = await db.store.readStream('incident-twice');
    expect(events.map((e) => e.type)).toEqual(['incident.opened', ...TIMER_EVENTS]);
  }, 20_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Relative imports (not the @engine alias) so that any TypeScript runner can load this file.
import {
  almacarePolicy,
  createIncidentDecider,
  initialIncidentState,
  type IncidentOpened,
  type PolicyRegistry,
} from '../libs/domain/src';
import { createEventStore } from '../libs/event-store/src/event-store.factory';
import type { EventStore } from '../libs/event-store/src/event-store.port';
import { createSqlDatabase } from '../libs/platform/src/database/sql-database';
import { createProjectionStore, migrateReadModels } from '../libs/read-models/src';
import { createTimerScheduler } from '../libs/timers/src/timer-scheduler';
import { TimerQueue } from '../libs/timers/src/timer-queue';
import { TimerWorker } from '../libs/timers/src/timer-worker';
import { startThrowawayRedis } from '../test/timers/support/throwaway-redis';
import { percentile } from './bench-stats';

export interface TimersBenchRow {
  readonly name: string;
  readonly store: 'sqlite';
  readonly value: number;
  readonly unit: string;
  readonly target?: { readonly min?: number; readonly max?: number };
  readonly note?: string;
}

/** Pending timers in all; each incident has two (response at-risk and breach). */
const PENDING = Number(process.env.TIMERS_BENCH_PENDING ?? 100_000);
/** Of which this many fall due within WINDOW_MS. */
const DUE = Number(process.env.TIMERS_BENCH_DUE ?? 10_000);
const WINDOW_MS = Number(process.env.TIMERS_BENCH_WINDOW_MS ?? 60_000);
/** Time between the last timer scheduled and the first one due. */
const LEAD_MS = 5_000;
const HOUR = 3_600_000;

const policy = almacarePolicy();
const policies: PolicyRegistry = { current: policy, byVersion: () => policy };

/** One `incident.opened` as the decider writes it; the bench then sets its response clock. */
const template = (): IncidentOpened['data'] => {
  const [opened] = createIncidentDecider(policies).decide(
    {
      type: 'OpenIncident',
      data: {
        incidentId: 'template',
        number: 'INC-0',
        kind: 'incident',
        severity: 1,
        category: 'nginx',
        title: 'nginx returns 502',
        description: 'Every request to /api returns 502 since the update.',
        channel: 'web',
        relatedIncidentId: null,
        policyVersion: policy.version,
        customer: {
          customerId: 'acme',
          plan: 'enhanced',
          timeZone: 'UTC',
          holidays: [],
          leads: [{ userId: 'lead-1', trained: true }],
        },
      },
      meta: {
        now: new Date().toISOString(),
        actor: { id: 'lead-1', role: 'customer-lead', org: 'acme' },
      },
    },
    initialIncidentState,
  );
  return (opened as IncidentOpened).data;
};

/** Appends one opened incident per pair of instants (at-risk, breach), 8 writers at a time. */
async function seed(
  store: EventStore,
  first: number,
  clocks: ReadonlyArray<readonly [number, number]>,
) {
  const base = template();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < clocks.length) {
        const n = next++;
        const [atRisk, due] = clocks[n]!;
        const id = `bench-${first + n}`;
        const iso = (ms: number) => new Date(ms).toISOString();
        await store.append(
          `incident-${id}`,
          [
            {
              id: crypto.randomUUID(),
              type: 'incident.opened',
              data: {
                ...base,
                incidentId: id,
                number: `INC-${first + n}`,
                receivedAt: iso(due - 30 * 60_000),
                responseAtRiskAt: iso(atRisk),
                responseDueAt: iso(due),
              },
              metadata: {
                occurredAt: new Date().toISOString(),
                actor: { id: 'lead-1', role: 'customer-lead', org: 'acme' },
                correlationId: id,
                causationId: null,
              },
            },
          ],
          'no-stream',
        );
      }
    }),
  );
}

const usedMemory = async (info: () => Promise<string>) =>
  Number(/used_memory:(\d+)/.exec(await info())![1]);

/**
 * 100,000 pending timers (50,000 unanswered incidents, at-risk and breach each), 10,000 of them due
 * within one minute, on a SQLite event store and a throwaway Redis: how fast the scheduler turns
 * the feed into delayed jobs, how late the due ones fire (each a real command through the decider
 * and an append), and what a pending timer costs in Redis.
 */
export async function runTimersBench(): Promise<TimersBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'timers-bench-'));
  const redis = await startThrowawayRedis();
  const sqlitePath = join(dir, 'engine.sqlite');
  const store = await createEventStore({ kind: 'sqlite', sqlitePath });
  const database = await createSqlDatabase({
    kind: 'sqlite',
    sqlitePath: join(dir, 'read.sqlite'),
  });
  await migrateReadModels(database);
  const projections = createProjectionStore(database);
  const target = { url: redis.url, prefix: '{bench}' };
  const queue = TimerQueue.open(target);
  const size = `${PENDING.toLocaleString('en')} pending, ${DUE.toLocaleString('en')} due in ${WINDOW_MS / 1000} s`;
  try {
    const memoryBefore = await usedMemory(() => redis.client.info('memory'));
    const farIncidents = (PENDING - DUE) / 2;
    const nearIncidents = DUE / 2;
    const far = Date.now() + 2 * HOUR;
    await seed(
      store,
      0,
      Array.from({ length: farIncidents }, (_, n) => [far + n * 10, far + HOUR + n * 10] as const),
    );

    // Scheduling: the real scheduler follows the feed from its checkpoint, as at start-up.
    let scheduled = 0;
    let scheduling = 0;
    const follow = async (expected: number) => {
      const started = process.hrtime.bigint();
      const scheduler = createTimerScheduler(store, projections, queue, {
        onBatch: ({ added }) => (scheduled += added),
      });
      scheduler.start();
      while (scheduled < expected) await new Promise((resolve) => setTimeout(resolve, 20));
      scheduling += Number(process.hrtime.bigint() - started) / 1e6;
      await scheduler.stop();
    };
    await follow(farIncidents * 2);

    // The near ones: 10,000 instants spread at random over the window, paired per incident.
    const windowStart = Date.now() + LEAD_MS + nearIncidents * 2; // seeding + scheduling time
    const instants = Array.from({ length: DUE }, () => windowStart + Math.random() * WINDOW_MS)
      .map(Math.round)
      .sort((a, b) => a - b);
    const pairs = Array.from(
      { length: nearIncidents },
      (_, n) => [instants[2 * n]!, instants[2 * n + 1]!] as const,
    );
    await seed(store, farIncidents, pairs);
    await follow(PENDING);
    const memoryAfter = await usedMemory(() => redis.client.info('memory'));
    const delayed = await queue.queue.getDelayedCount();
    if (Date.now() > windowStart) throw new Error('scheduling took longer than the lead time');

    // Firing: one worker, as a deployment's single worker process would run.
    const fired: number[] = [];
    const recorded: number[] = [];
    let events = 0;
    const worker = new TimerWorker({
      store,
      policies,
      redis: target,
      concurrency: 16,
      onFired: (firing) => {
        const due = Date.parse(firing.data.dueAt);
        fired.push(Date.parse(firing.now) - due);
        recorded.push(Date.now() - due);
        events += firing.events.length;
      },
    });
    const deadline = windowStart + WINDOW_MS + 60_000;
    while (fired.length < DUE && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    await worker.close();
    fired.sort((a, b) => a - b);
    recorded.sort((a, b) => a - b);
    const note = `${size}; ${fired.length} fired, ${events} events recorded`;
    return [
      {
        name: `schedule timers from the feed (${size})`,
        store: 'sqlite',
        value: Math.round((PENDING / scheduling) * 1000),
        unit: 'timers/s',
        note: `${delayed} delayed jobs`,
      },
      {
        name: 'firing lateness p50 (decided at - due at)',
        store: 'sqlite',
        value: percentile(fired, 50),
        unit: 'ms',
        note,
      },
      {
        name: 'firing lateness p99',
        store: 'sqlite',
        value: percentile(fired, 99),
        unit: 'ms',
        target: { max: 250 },
      },
      { name: 'firing lateness max', store: 'sqlite', value: fired.at(-1) ?? NaN, unit: 'ms' },
      {
        name: 'event recorded lateness p99 (appended - due at)',
        store: 'sqlite',
        value: percentile(recorded, 99),
        unit: 'ms',
      },
      {
        name: 'timers fired of those due',
        store: 'sqlite',
        value: fired.length,
        unit: 'jobs',
        target: { min: DUE },
      },
      {
        name: 'Redis memory per pending timer',
        store: 'sqlite',
        value: Math.round((memoryAfter - memoryBefore) / PENDING),
        unit: 'bytes',
      },
    ];
  } finally {
    await queue.close();
    await projections.close();
    await database.close();
    await store.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

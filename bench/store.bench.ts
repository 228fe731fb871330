import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Relative imports (not the @engine alias) so that any TypeScript runner can load this file.
import { createEventStore } from '../libs/event-store/src/event-store.factory';
import type { EventStore, NewEvent } from '../libs/event-store/src/event-store.port';
import { createTestDatabase } from '../libs/event-store/src/postgres-event-store.test-database';

/** One measured figure. */
export interface StoreBenchResult {
  readonly name: string;
  readonly store: 'sqlite' | 'postgres';
  readonly value: number;
  readonly unit: string;
}

/** How long each measurement runs. */
const MEASURE_MS = Number(process.env.STORE_BENCH_MS ?? 3_000);
const CONCURRENT_WRITERS = 8;
const STREAMS_PER_WRITER = 50;

const event = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'bench.appended',
  data: { n, text: 'an incident-sized payload: a subject line and a few fields', severity: 2 },
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: { id: 'bench', role: 'system' },
    correlationId: 'bench',
    causationId: null,
  },
});

/**
 * Appends for MEASURE_MS from `writers` concurrent loops, each to its own streams with the exact
 * expected version (as handleCommand does); returns calls per second.
 */
async function appendRate(
  store: EventStore,
  run: string,
  batchSize: number,
  writers = 1,
): Promise<number> {
  const deadline = Date.now() + MEASURE_MS;
  let calls = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      const versions = new Array<bigint>(STREAMS_PER_WRITER).fill(0n);
      for (let i = 0; Date.now() < deadline; i += 1) {
        const stream = i % STREAMS_PER_WRITER;
        const batch = Array.from({ length: batchSize }, (__, k) => event(i * batchSize + k));
        const { nextVersion } = await store.append(
          `${run}-w${writer}-${stream}`,
          batch,
          versions[stream],
        );
        versions[stream] = nextVersion;
        calls += 1;
      }
    }),
  );
  return calls / seconds(started);
}

/** Reads the whole feed in pages of 500, again and again for MEASURE_MS; returns events per second. */
async function feedReadRate(store: EventStore): Promise<number> {
  const deadline = Date.now() + MEASURE_MS;
  let events = 0;
  const started = process.hrtime.bigint();
  while (Date.now() < deadline) {
    for (let from = 0n; ;) {
      const page = await store.readAll(from, 500);
      events += page.length;
      if (page.length < 500 || Date.now() >= deadline) break;
      from = page[page.length - 1].position;
    }
  }
  return events / seconds(started);
}

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;
const round = (value: number) => Math.round(value);

async function measure(
  store: EventStore,
  kind: StoreBenchResult['store'],
): Promise<StoreBenchResult[]> {
  const single = await appendRate(store, 'single', 1);
  const batches = await appendRate(store, 'batch', 10);
  const concurrent = await appendRate(store, 'concurrent', 1, CONCURRENT_WRITERS);
  const feed = await feedReadRate(store);
  return [
    { name: 'append, 1 event per call', store: kind, value: round(single), unit: 'appends/s' },
    {
      name: 'append, batches of 10 events',
      store: kind,
      value: round(batches * 10),
      unit: 'events/s',
    },
    {
      name: `append, 1 event per call, ${CONCURRENT_WRITERS} concurrent writers`,
      store: kind,
      value: round(concurrent),
      unit: 'appends/s',
    },
    { name: 'read the feed (pages of 500)', store: kind, value: round(feed), unit: 'events/s' },
  ];
}

/**
 * Event store throughput on this machine: SQLite (a file in a temporary directory) and PostgreSQL
 * (a throwaway database next to DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * Each figure is measured for STORE_BENCH_MS (default 3 s). Durable settings throughout: SQLite
 * synchronous=FULL in WAL mode, PostgreSQL with its configured synchronous_commit.
 */
export async function runStoreBench(): Promise<StoreBenchResult[]> {
  const results: StoreBenchResult[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'store-bench-'));
  try {
    const sqlite = await createEventStore({
      kind: 'sqlite',
      sqlitePath: join(dir, 'events.sqlite'),
    });
    try {
      results.push(...(await measure(sqlite, 'sqlite')));
    } finally {
      await sqlite.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const database = await createTestDatabase('store_bench');
  try {
    const postgres = await createEventStore({ kind: 'postgres', databaseUrl: database.url });
    try {
      results.push(...(await measure(postgres, 'postgres')));
    } finally {
      await postgres.close();
    }
  } finally {
    await database.drop();
  }

  return results;
}

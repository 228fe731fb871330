import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
// Relative imports (not the @engine aliases) so that any TypeScript runner can load this file.
import { createEventStore } from '../libs/event-store/src/event-store.factory';
import type { EventStore } from '../libs/event-store/src/event-store.port';
import { createSqlDatabase } from '../libs/platform/src/database/sql-database';
import { incidentsProjection } from '../libs/read-models/src/incidents/incidents.projection';
import { rebuildProjection } from '../libs/read-models/src/runner/projection-rebuild';
import {
  migrateReadModels,
  createProjectionStore,
} from '../libs/read-models/src/read-models.factory';
import {
  closeOutOfScope,
  decideAll,
  escalate,
  openIncident,
  reply,
  requestInformation,
  resolve,
  respond,
} from '../libs/read-models/src/testing/incident-scenarios';

export interface ProjectionsBenchResult {
  readonly name: string;
  readonly store: 'sqlite';
  readonly value: number;
  readonly unit: string;
  readonly note?: string;
}

/** How many events the feed holds. */
const EVENTS = Number(process.env.PROJECTIONS_BENCH_EVENTS ?? 1_000_000);
const INSERT_BATCH = 10_000;
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

/**
 * Lifecycles decided once by the real decider; every incident of the feed is one of them under
 * its own id, number and customer. Between 2 and 7 events each, 4.8 on average.
 */
const TEMPLATES = [
  [openIncident({ id: 'tpl', receivedAt: at(0) }), respond(at(10)), resolve(at(90))],
  [
    openIncident({ id: 'tpl', receivedAt: at(0), severity: 2 }),
    requestInformation(at(5)),
    reply(at(60)),
    escalate(at(70)),
    resolve(at(200)),
  ],
  [openIncident({ id: 'tpl', receivedAt: at(0), severity: 4 }), respond(at(30))],
  [
    openIncident({ id: 'tpl', receivedAt: at(0), severity: 1 }),
    respond(at(20)),
    closeOutOfScope(at(40)),
  ],
].map((commands) => decideAll(commands));

/** Writes the feed with batched INSERTs into the store's own table (fast; the schema is the store's). */
function generateFeed(path: string): { events: number; incidents: number } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const insert = db.prepare(
    'INSERT INTO events (stream_id, version, id, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  let events = 0;
  let incidents = 0;
  const batch = db.transaction((until: number) => {
    while (events < until) {
      const template = TEMPLATES[incidents % TEMPLATES.length];
      const id = `bench-${incidents}`;
      const customerId = `customer-${incidents % 500}`;
      template.forEach(({ event, at: occurredAt, actor }, index) => {
        const data =
          event.type === 'incident.opened'
            ? { ...event.data, incidentId: id, number: `INC-${100_000 + incidents}`, customerId }
            : event.data;
        insert.run(
          `incident-${id}`,
          index + 1,
          randomUUID(),
          event.type,
          JSON.stringify(data),
          JSON.stringify({ occurredAt, actor, correlationId: id, causationId: null }),
        );
      });
      events += template.length;
      incidents += 1;
    }
  });
  while (events < EVENTS) batch(Math.min(EVENTS, events + INSERT_BATCH));
  db.close();
  return { events, incidents };
}

/** Reads the whole feed once through the store, in pages of `page`; events per second. */
async function readFeed(store: EventStore, page: number): Promise<number> {
  const started = process.hrtime.bigint();
  let events = 0;
  for (let from = 0n; ;) {
    const events_ = await store.readAll(from, page);
    events += events_.length;
    if (events_.length < page) break;
    from = events_[events_.length - 1].position;
  }
  return events / seconds(started);
}

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;

/**
 * Projection throughput on SQLite: a feed of PROJECTIONS_BENCH_EVENTS (default 1,000,000) incident
 * events, read raw through the store, then the `incidents` projection (incidents, incident_numbers,
 * sla_clocks) rebuilt from it into the same file (the default layout: one SQLite file for events
 * and read models), with the rebuild's own batches of 1,000 events.
 */
export async function runProjectionsBench(): Promise<ProjectionsBenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'projections-bench-'));
  const path = join(dir, 'engine.sqlite');
  try {
    // The store creates its schema; the feed is then written behind its back, in bulk.
    await (await createEventStore({ kind: 'sqlite', sqlitePath: path })).close();
    const generatedAt = process.hrtime.bigint();
    const { events, incidents } = generateFeed(path);
    const generateSeconds = seconds(generatedAt);

    const store = await createEventStore({ kind: 'sqlite', sqlitePath: path });
    const database = await createSqlDatabase({ kind: 'sqlite', sqlitePath: path });
    try {
      await readFeed(store, 1_000); // warm-up: page cache and JIT
      const readRate = await readFeed(store, 1_000);

      await migrateReadModels(database);
      const projections = createProjectionStore(database);
      global.gc?.();
      const heapBefore = process.memoryUsage().heapUsed;
      let peakHeap = heapBefore;
      const started = process.hrtime.bigint();
      const swapped = await rebuildProjection(store, projections, incidentsProjection, {
        batchSize: 1_000,
        onProgress: () => {
          peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
        },
      });
      const rebuildSeconds = seconds(started);
      await projections.close();
      const rows = await database.db
        .selectFrom('incidents')
        .select(database.db.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(rows.n) !== incidents || swapped.checkpoint !== BigInt(events))
        throw new Error(`rebuild incomplete: ${rows.n} rows, checkpoint ${swapped.checkpoint}`);
      const note = `${events.toLocaleString('en')} events, ${incidents.toLocaleString('en')} incidents`;
      return [
        {
          name: 'read the feed raw (pages of 1,000)',
          store: 'sqlite',
          value: Math.round(readRate),
          unit: 'events/s',
          note,
        },
        {
          name: 'rebuild incidents projection (3 tables, batches of 1,000)',
          store: 'sqlite',
          value: Math.round(events / rebuildSeconds),
          unit: 'events/s',
          note: `${note}, ${rebuildSeconds.toFixed(1)} s`,
        },
        {
          name: 'heap growth during the rebuild (peak)',
          store: 'sqlite',
          value: Math.round(((peakHeap - heapBefore) / 2 ** 20) * 10) / 10,
          unit: 'MB',
        },
        {
          name: 'generate the feed (batched inserts)',
          store: 'sqlite',
          value: Math.round(events / generateSeconds),
          unit: 'events/s',
        },
      ];
    } finally {
      await database.close();
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

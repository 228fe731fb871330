import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { expectStrictlyIncreasing } from './event-store.contract-kit';
import type { RecordedEvent } from './event-store.port';
import { SqliteEventStore } from './sqlite-event-store.adapter';

const WRITERS = 8;
const EVENTS_PER_WRITER = 1_000;

/**
 * Runs in a worker thread with its own SQLite connection (the TypeScript sources compiled on the fly
 * by scripts/register-ts.cjs), then appends EVENTS_PER_WRITER events in batches of 1-5 to four
 * streams of its own, each append with the exact expected version.
 */
const WRITER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
require(workerData.register);
const { randomUUID } = require('node:crypto');
const { SqliteEventStore } = require(workerData.adapter);
(async () => {
  const store = new SqliteEventStore({ path: workerData.path });
  const versions = [0n, 0n, 0n, 0n];
  let written = 0;
  for (let round = 0; written < workerData.events; round += 1) {
    const size = Math.min(1 + (round % 5), workerData.events - written);
    const stream = round % 4;
    const batch = Array.from({ length: size }, () => ({
      id: randomUUID(),
      type: 'load.tested',
      data: { writer: workerData.writer, n: written },
      metadata: { occurredAt: new Date().toISOString(), actor: { id: 'w', role: 'system' }, correlationId: 'c', causationId: null },
    }));
    const result = await store.append('w' + workerData.writer + '-' + stream, batch, versions[stream]);
    versions[stream] = result.nextVersion;
    written += size;
    // Like a server between requests: without a pause one thread would retake SQLite's write
    // lock at once and the others, sleeping in the busy handler, would rarely get in.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  }
  await store.close();
  parentPort.postMessage(written);
})().catch((error) => { throw error; });
`;

function runWriter(writer: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: {
        writer,
        path,
        events: EVENTS_PER_WRITER,
        register: join(__dirname, '..', '..', '..', 'scripts', 'register-ts.cjs'),
        adapter: require.resolve('./sqlite-event-store.adapter.ts'),
      },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once(
      'exit',
      (code) => code !== 0 && reject(new Error(`writer ${writer} exited with ${code}`)),
    );
  });
}

describe('SQLite event store under concurrent writers', () => {
  it(`${WRITERS} threads x ${EVENTS_PER_WRITER} events: the subscriber sees each once, in position order`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-store-sqlite-load-'));
    const path = join(dir, 'events.sqlite');
    const reader = new SqliteEventStore({ path, pollIntervalMs: 20 });
    const seen: RecordedEvent[] = [];
    const total = WRITERS * EVENTS_PER_WRITER;
    let resolveAll: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const subscription = reader.subscribe(0n, async (event) => {
      seen.push(event);
      if (seen.length === total) resolveAll();
    });
    try {
      const written = await Promise.all(
        Array.from({ length: WRITERS }, (_, writer) => runWriter(writer, path)),
      );
      expect(written.reduce((sum, count) => sum + count, 0)).toBe(total);
      await all;
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((event) => event.id)).size).toBe(total);
      expectStrictlyIncreasing(seen.map((event) => event.position));
      const versions = new Map<string, bigint>();
      for (const event of seen) {
        expect(event.version).toBe((versions.get(event.streamId) ?? 0n) + 1n);
        versions.set(event.streamId, event.version);
      }
      const writerOf = (event: RecordedEvent) => event.streamId.split('-')[0];
      const switches = seen.filter(
        (event, index) => index > 0 && writerOf(event) !== writerOf(seen[index - 1]),
      ).length;
      console.info(`SQLite load: the feed switches writer ${switches} times in ${total} events`);
      expect(switches).toBeGreaterThan(WRITERS); // the writers really interleaved
      const feed = await reader.readAll(0n, total + 1);
      expect(feed.map((event) => event.id)).toEqual(seen.map((event) => event.id));
    } finally {
      await subscription.stop();
      await reader.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

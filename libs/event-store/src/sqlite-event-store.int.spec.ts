import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { describeEventStoreContract } from './event-store.contract';
import { collector, newEvent } from './event-store.contract-kit';
import { StoreUnavailableError } from './event-store.errors';
import type { AppendResult, EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite-event-store.adapter';

/** A fresh file per test; `reopen` opens the same file again, as a restarted process would. */
async function fileSubject() {
  const dir = mkdtempSync(join(tmpdir(), 'event-store-sqlite-'));
  const path = join(dir, 'events.sqlite');
  const opened: EventStore[] = [];
  const open = async () => {
    const store = new SqliteEventStore({ path, pollIntervalMs: 50 });
    opened.push(store);
    return store;
  };
  return {
    store: await open(),
    reopen: open,
    path,
    cleanup: async () => {
      await Promise.all(opened.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeEventStoreContract('SQLite', fileSubject);

describe('SQLite event store', () => {
  it('works in memory', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    await store.append('memo-1', [newEvent('x')], 'no-stream');
    expect(await store.readStream('memo-1')).toHaveLength(1);
    await store.close();
  });

  it('wakes a subscriber of another connection to the same file (polling)', async () => {
    const subject = await fileSubject();
    const writer = await subject.reopen();
    try {
      const seen = collector();
      const subscription = subject.store.subscribe(0n, seen.handler);
      await writer.append('other-1', [newEvent('x')], 'no-stream');
      await seen.waitFor(1, 2_000);
      await subscription.stop();
      expect(seen.events.map((event) => event.streamId)).toEqual(['other-1']);
    } finally {
      await subject.cleanup();
    }
  });

  it('keeps its schema across reopening (migrations run once)', async () => {
    const subject = await fileSubject();
    try {
      await subject.store.append('kept-1', [newEvent('x')], 'no-stream');
      await subject.store.close();
      const reopened = await subject.reopen();
      expect(await reopened.readStream('kept-1')).toHaveLength(1);
    } finally {
      await subject.cleanup();
    }
  });

  describe('writer thread', () => {
    /** Whether a promise has settled, read without waiting for it. */
    const tracked = <T>(promise: Promise<T>) => {
      const state = { settled: false, promise };
      promise.then(
        () => (state.settled = true),
        () => (state.settled = true),
      );
      return state;
    };
    const turns = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

    it('keeps the event loop and reads going while another connection holds the write lock', async () => {
      const subject = await fileSubject();
      await subject.store.append('lock-read', [newEvent('x')], 'no-stream');
      const blocker = new Database(subject.path);
      try {
        blocker.exec('BEGIN IMMEDIATE');
        const append = tracked(subject.store.append('lock-1', [newEvent('x')], 'no-stream'));
        // On the event loop, the append's wait for the lock would stop the timer and the read.
        await turns(100);
        expect(await subject.store.readStream('lock-read')).toHaveLength(1);
        expect(append.settled).toBe(false);
        blocker.exec('COMMIT');
        await expect(append.promise).resolves.toMatchObject({ nextVersion: 1n });
        expect(await subject.store.readStream('lock-1')).toHaveLength(1);
      } finally {
        blocker.close();
        await subject.cleanup();
      }
    });

    it('refuses what waits on a writer thread that stops, writes none of it, and starts a new one', async () => {
      const subject = await fileSubject();
      const blocker = new Database(subject.path);
      try {
        blocker.exec('BEGIN IMMEDIATE');
        const waiting = subject.store.append('stopped-1', [newEvent('x')], 'no-stream');
        await turns(50);
        const { worker } = (subject.store as unknown as { thread: { worker: Worker } }).thread;
        const stopped = worker.terminate();
        blocker.exec('ROLLBACK');
        await stopped;
        await expect(waiting).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(await subject.store.readStream('stopped-1')).toEqual([]);
        await expect(
          subject.store.append('stopped-1', [newEvent('x')], 'no-stream'),
        ).resolves.toMatchObject({ nextVersion: 1n });
      } finally {
        blocker.close();
        await subject.cleanup();
      }
    });

    it('writes every append accepted before close, then the file holds them all', async () => {
      const subject = await fileSubject();
      try {
        const appends: Promise<AppendResult>[] = [];
        for (let n = 0; n < 40; n += 1) {
          appends.push(subject.store.append(`closing-${n % 5}`, [newEvent('x', { n })], 'any'));
        }
        await subject.store.close();
        expect(await Promise.all(appends)).toHaveLength(40);
        const reopened = await subject.reopen();
        const counts = await Promise.all(
          [0, 1, 2, 3, 4].map(async (n) => (await reopened.readStream(`closing-${n}`)).length),
        );
        expect(counts).toEqual([8, 8, 8, 8, 8]);
      } finally {
        await subject.cleanup();
      }
    });
  });
});

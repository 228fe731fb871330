import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEventStoreContract } from './event-store.contract';
import { collector, newEvent } from './event-store.contract-kit';
import type { EventStore } from './event-store.port';
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
});

import type { EventStore } from '@engine/event-store';
import {
  createProjectionRunner,
  incidentsProjection,
  rebuildProjection,
  RebuildInProgressError,
  ReadModelQueries,
  type FeedFollower,
} from '@engine/read-models';
import { appended, recordMix } from './support/incident-mix';
import {
  KINDS,
  cleanRebuild,
  createTarget,
  dumpTables,
  openReadSide,
  until,
  type ReadSide,
  type TestTarget,
} from './support/read-side-fixture';

describe.each(KINDS)('rebuilding a projection on %s', (kind) => {
  let target: TestTarget;
  let store: EventStore;
  let on: ReadSide;
  let live: FeedFollower;

  beforeEach(async () => {
    appended.last = 0n;
    target = await createTarget(kind);
    store = await target.openStore();
    on = await openReadSide(target);
    live = createProjectionRunner(store, on.projections, incidentsProjection, {
      batchSize: 10,
      maxBackoffMs: 50,
    });
  });

  afterEach(async () => {
    await live.stop();
    await on.close();
    await store.close();
    await target.drop();
  });

  const caughtUp = async () => {
    const head = appended.last.toString();
    await until(
      () => live.status().checkpoint === head,
      () => `checkpoint ${head}: ${JSON.stringify(live.status())}`,
      30_000,
    );
  };

  it('while commands keep arriving and readers keep reading, ends equal to a clean rebuild', async () => {
    await recordMix(store, 0, 30);
    live.start();
    await caughtUp();
    const queries = new ReadModelQueries(on.database);

    let writing = true;
    let written = 30;
    let writerFailure: unknown = null;
    const writer = (async () => {
      while (writing) {
        try {
          await recordMix(store, written, written + 1);
          written += 1;
          // Commands arrive as I/O: let the rest of the process run between them.
          await new Promise((resolve) => setImmediate(resolve));
        } catch (error) {
          writerFailure = error;
          writing = false;
        }
      }
    })();
    let reads = 0;
    let readerFailure: unknown = null;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        try {
          const page = await queries.incidents.list({}, 'receivedAt', { limit: 5 }, {});
          if (page.items.length > 0) reads += 1;
        } catch (error) {
          readerFailure = error;
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();

    const progress: bigint[] = [];
    const swapped = await rebuildProjection(store, on.projections, incidentsProjection, {
      batchSize: 7,
      onProgress: ({ checkpoint }) => progress.push(checkpoint),
    });
    expect(swapped.generation).toBe(1);
    expect(progress.length).toBeGreaterThan(3);
    try {
      await until(
        () => written >= 45 || writerFailure !== null,
        'more commands after the swap',
        30_000,
      );
    } finally {
      writing = false;
      await writer;
      reading = false;
      await reader;
    }
    expect(writerFailure).toBeNull();

    await caughtUp();
    expect(readerFailure).toBeNull();
    expect(reads).toBeGreaterThan(0);
    const expected = await cleanRebuild(store, incidentsProjection, kind);
    expect(expected.incidents).toHaveLength(written);
    expect(await dumpTables(on.database, incidentsProjection)).toEqual(expected);
    // The swapped-out tables are gone; the status row carries the new generation.
    expect(await on.projections.readStatus('incidents')).toMatchObject({
      generation: 1,
      state: 'ok',
    });
  }, 120_000);

  it('one rebuild at a time; a second one is refused', async () => {
    await recordMix(store, 0, 10);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = rebuildProjection(store, on.projections, incidentsProjection, {
      batchSize: 2,
      onProgress: () => void gate,
    });
    await expect(
      rebuildProjection(store, on.projections, incidentsProjection),
    ).rejects.toBeInstanceOf(RebuildInProgressError);
    release();
    await first;
    expect(await dumpTables(on.database, incidentsProjection)).toEqual(
      await cleanRebuild(store, incidentsProjection, kind),
    );
  });
});

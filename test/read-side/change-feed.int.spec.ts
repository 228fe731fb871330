import type { EventStore } from '@engine/event-store';
import {
  ChangeTail,
  ProjectionChangeHub,
  createProjectionRunner,
  incidentsProjection,
  projectedCheckpoint,
  replayChanges,
  type FeedFollower,
  type ProjectionChange,
} from '@engine/read-models';
import { appended, recordMix } from './support/incident-mix';
import {
  KINDS,
  createTarget,
  openReadSide,
  until,
  type ReadSide,
  type TestTarget,
} from './support/read-side-fixture';

describe.each(KINDS)('the change feed behind /stream on %s', (kind) => {
  let target: TestTarget;
  let store: EventStore;
  let on: ReadSide;
  let runner: FeedFollower;

  beforeEach(async () => {
    appended.last = 0n;
    target = await createTarget(kind);
    store = await target.openStore();
    on = await openReadSide(target);
    runner = createProjectionRunner(store, on.projections, incidentsProjection, { batchSize: 5 });
  });

  afterEach(async () => {
    await runner.stop();
    await on.close();
    await store.close();
    await target.drop();
  });

  const projected = () =>
    until(() => runner.status().checkpoint === appended.last.toString(), 'the projection');

  it('replays what was projected after a position, up to the checkpoint, with numbers', async () => {
    await recordMix(store, 0, 6);
    runner.start();
    await projected();
    const until_ = await projectedCheckpoint(on.database.db);
    expect(until_).toBe(appended.last);
    const replayed: ProjectionChange[] = [];
    for await (const page of replayChanges(store, on.database.db, 3n, until_, 4))
      replayed.push(...page);
    const feed = await store.readAll(3n, 1_000, { streamPrefixes: ['incident-'] });
    expect(replayed.map((change) => change.position)).toEqual(
      feed.map((e) => e.position.toString()),
    );
    expect(replayed[0]).toMatchObject({
      number: expect.stringMatching(/^INC-m/),
      customerId: expect.any(String),
    });
    // Nothing beyond the checkpoint: the stream announces projected changes only.
    const partial: ProjectionChange[] = [];
    for await (const page of replayChanges(store, on.database.db, 0n, 4n)) partial.push(...page);
    expect(partial.map((change) => change.position)).toEqual(['1', '2', '3', '4']);
  });

  it('without a runner in the process, a tail publishes what the projection newly covers', async () => {
    const hub = new ProjectionChangeHub();
    const heard: ProjectionChange[] = [];
    hub.subscribe((changes) => heard.push(...changes));
    const tail = new ChangeTail(store, on.database.db, hub, 20);
    tail.start();
    try {
      runner.start();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await recordMix(store, 0, 4);
      await projected();
      await until(() => heard.at(-1)?.position === appended.last.toString(), 'the tail');
      const feed = await store.readAll(0n, 1_000, { streamPrefixes: ['incident-'] });
      expect(heard.map((change) => change.position)).toEqual(
        feed.map((e) => e.position.toString()),
      );
      // A runner of this process publishing itself silences the tail.
      const detach = hub.attachPublisher();
      const before = heard.length;
      await recordMix(store, 4, 6);
      await projected();
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(heard).toHaveLength(before);
      detach();
    } finally {
      await tail.stop();
    }
  });
});

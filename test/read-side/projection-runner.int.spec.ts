import type { EventStore } from '@engine/event-store';
import {
  createProjectionRunner,
  incidentsProjection,
  type FeedFollower,
  type ProjectionChange,
  type ProjectionRunnerOptions,
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

const PREFIXES = incidentsProjection.streamPrefixes;

describe.each(KINDS)('the projection runner on %s', (kind) => {
  let target: TestTarget;
  let store: EventStore;
  const sides: ReadSide[] = [];
  const runners: FeedFollower[] = [];

  const side = async () => {
    const opened = await openReadSide(target);
    sides.push(opened);
    return opened;
  };
  const runner = (on: ReadSide, options: ProjectionRunnerOptions = {}) => {
    const started = createProjectionRunner(store, on.projections, incidentsProjection, {
      batchSize: 4,
      maxBackoffMs: 50,
      lease: { ttlMs: 400, retryMs: 40 },
      ...options,
    });
    runners.push(started);
    started.start();
    return started;
  };
  const caughtUp = async (follower: FeedFollower) => {
    const head = appended.last.toString();
    await until(() => follower.status().checkpoint === head, `checkpoint ${head}`);
  };
  const expectEqualToCleanRebuild = async (on: ReadSide) => {
    const expected = await cleanRebuild(store, incidentsProjection, kind);
    expect(expected.incidents.length).toBeGreaterThan(0);
    expect(await dumpTables(on.database, incidentsProjection)).toEqual(expected);
  };

  beforeEach(async () => {
    appended.last = 0n;
    target = await createTarget(kind);
    store = await target.openStore();
  });

  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    await Promise.all(sides.splice(0).map((s) => s.close()));
    await store.close();
    await target.drop();
  });

  it('catches up in batches, then follows live; every change is announced once, in order', async () => {
    await recordMix(store, 0, 10);
    const changes: ProjectionChange[] = [];
    const on = await side();
    const follower = runner(on, { onChanges: (batch) => changes.push(...batch) });
    await caughtUp(follower);
    await recordMix(store, 10, 20);
    await caughtUp(follower);
    expect(follower.status().state).toBe('running');
    await expectEqualToCleanRebuild(on);
    const positions = changes.map((change) => BigInt(change.position));
    expect(positions).toEqual(
      (await store.readAll(0n, 10_000, { streamPrefixes: PREFIXES })).map((e) => e.position),
    );
    expect(changes[0]).toMatchObject({
      type: 'incident.opened',
      incidentId: 'm0',
      number: 'INC-m0',
      customerId: 'globex',
    });
  });

  it('stopped between batches, a restarted runner ends equal to a clean rebuild', async () => {
    await recordMix(store, 0, 15);
    const on = await side();
    let batches = 0;
    let stopping: Promise<void> | undefined;
    const first: FeedFollower = runner(on, {
      hooks: {
        afterRows: () => {
          batches += 1;
          if (batches === 3) stopping = first.stop();
        },
      },
    });
    await until(() => stopping !== undefined, 'three batches');
    await stopping;
    const stored = await on.projections.readStatus('incidents');
    expect(stored.checkpoint).toBeGreaterThan(0n);
    expect(stored.checkpoint).toBeLessThan(appended.last);
    const second = runner(await side());
    await caughtUp(second);
    await expectEqualToCleanRebuild(on);
  });

  it('killed inside a batch (rows written, checkpoint not), a restarted runner ends equal', async () => {
    await recordMix(store, 0, 15);
    const on = await side();
    let batches = 0;
    let checkpointBefore = -1n;
    let dead: Promise<void> | undefined;
    const first: FeedFollower = runner(on, {
      hooks: {
        afterRows: ({ events }) => {
          batches += 1;
          if (batches < 3) return;
          checkpointBefore = events[0].position;
          dead ??= first.stop(); // the process dies here: nothing after this line commits
          throw new Error('simulated crash after some rows were written');
        },
      },
    });
    await until(() => dead !== undefined, 'the crash');
    await dead;
    // Nothing of the crashed batch is there: the checkpoint is just before its first event.
    const stored = await on.projections.readStatus('incidents');
    const before = await store.readAll(0n, 10_000, { streamPrefixes: PREFIXES });
    const previous = before[before.findIndex((e) => e.position === checkpointBefore) - 1];
    expect(stored.checkpoint).toBe(previous.position);
    const second = runner(await side());
    await caughtUp(second);
    await expectEqualToCleanRebuild(on);
  });

  it('a failed batch is retried from the checkpoint by the same runner (rolled back, not skipped)', async () => {
    await recordMix(store, 0, 10);
    const on = await side();
    let failures = 0;
    const follower = runner(on, {
      hooks: {
        afterRows: () => {
          if (failures < 2) {
            failures += 1;
            throw new Error('transient');
          }
        },
      },
    });
    await caughtUp(follower);
    expect(failures).toBe(2);
    await expectEqualToCleanRebuild(on);
  });

  it('two runners compete: one is active, the other stands by and takes over; tables stay exact', async () => {
    const [left, right] = [await side(), await side()];
    const applied = { a: 0, b: 0 };
    const a = runner(left, { owner: 'a', hooks: { afterRows: () => void (applied.a += 1) } });
    const b = runner(right, { owner: 'b', hooks: { afterRows: () => void (applied.b += 1) } });
    await recordMix(store, 0, 12);
    await until(
      () => [a, b].some((r) => r.status().checkpoint === null && r.status().state === 'standby'),
      'one standby',
    );
    const [active, standby] = a.status().state === 'standby' ? [b, a] : [a, b];
    await caughtUp(active);
    expect(standby.status().state).toBe('standby');
    expect(active === a ? applied.b : applied.a).toBe(0);
    await active.stop();
    await recordMix(store, 12, 20);
    await caughtUp(standby);
    expect(standby.status().state).toBe('running');
    await expectEqualToCleanRebuild(left);
  });

  it('stopped as its lease is granted, a standby lets the lease go and stops', async () => {
    const [left, right] = [await side(), await side()];
    // The real lease, granted only once the runner has been told to stop: as when another
    // process releases it at the moment this one shuts down.
    const lease = left.projections.lease.bind(left.projections);
    left.projections.lease = (name, owner, options) => {
      const real = lease(name, owner, options);
      return {
        ...real,
        acquire: (signal) =>
          new Promise((granted) =>
            signal.addEventListener('abort', () => granted(real.tryAcquire()), { once: true }),
          ),
      };
    };
    const stopping = runner(left, { owner: 'a' });
    runners.splice(runners.indexOf(stopping), 1); // stopped here, and bounded (afterEach is not)
    await until(() => stopping.status().state === 'standby', 'standby');
    const stopped = await Promise.race([
      stopping.stop().then(() => 'stopped'),
      new Promise((resolve) => setTimeout(() => resolve('still running after 2 s'), 2_000)),
    ]);
    expect(stopped).toBe('stopped');
    expect(stopping.status().state).toBe('stopped');
    const taker = await right.projections.lease(incidentsProjection.name, 'b').tryAcquire();
    expect(taker).not.toBeNull();
    await taker!.release();
  });

  it('halts on an event it cannot apply, records where, and applies nothing after it', async () => {
    await recordMix(store, 0, 3);
    const { positions } = await store.append(
      'incident-broken',
      [
        {
          id: '00000000-0000-4000-8000-000000000001',
          type: 'incident.opened',
          data: { incidentId: 'broken' },
          metadata: {
            occurredAt: '2026-03-02T09:00:00.000Z',
            actor: { id: 'x', role: 'system' },
            correlationId: 'c',
            causationId: null,
          },
        },
      ],
      'no-stream',
    );
    await recordMix(store, 3, 5);
    const on = await side();
    const follower = runner(on);
    await until(() => follower.status().state === 'halted', 'the halt');
    expect(follower.status()).toMatchObject({ haltedAt: positions[0].toString() });
    const stored = await on.projections.readStatus('incidents');
    expect(stored).toMatchObject({ state: 'halted', errorPosition: positions[0] });
    expect(stored.error).toMatch(/cannot apply incident\.opened/);
    expect(stored.checkpoint).toBe(positions[0] - 1n);
    const rows = await on.database.db.selectFrom('incidents').select('id').execute();
    expect(rows.map((row: { id: string }) => row.id).sort()).toEqual(['m0', 'm1', 'm2']);
    expect((await follower.lag()).eventsBehind).toBeGreaterThan(0);
  });
});

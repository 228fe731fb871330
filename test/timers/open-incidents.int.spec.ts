import { join, dirname } from 'node:path';
import type { EventStore } from '@engine/event-store';
import { createSqlDatabase, type SqlDatabase } from '@engine/platform';
import {
  createProjectionRunner,
  createProjectionStore,
  incidentsProjection,
  migrateReadModels,
  type ProjectionStore,
} from '@engine/read-models';
import { openIncidentStates } from '@engine/timers';
import { eventually } from './support/timer-engine';
import { openTimerStore, type TimerStore } from './support/timer-store';

const engineer = { id: 'eng-1', role: 'engineer' } as const;

describe('The open incidents the reconciler reads', () => {
  let db: TimerStore;
  let database: SqlDatabase;
  let projections: ProjectionStore;

  beforeAll(async () => {
    db = await openTimerStore();
    database = await createSqlDatabase({
      kind: 'sqlite',
      sqlitePath: join(dirname(db.sqlitePath), 'engine.read.sqlite'),
    });
    await migrateReadModels(database);
    projections = createProjectionStore(database);
  });
  afterAll(async () => {
    await projections?.close();
    await database?.close();
    await db?.close();
  });

  const collect = async (store: EventStore, from: SqlDatabase | null) => {
    const states = new Map<string, { status: string; severity: number }>();
    for await (const page of openIncidentStates(store, from, { pageSize: 2 }))
      for (const state of page) states.set(state.incidentId, state);
    return states;
  };

  it('reads the read model up to its checkpoint and folds only what the feed changed after it', async () => {
    for (const id of ['a', 'b', 'c', 'd']) await db.open(id, 3);
    const now = () => ({ now: new Date().toISOString(), actor: engineer });
    await db.send('d', {
      type: 'CloseIncident',
      data: {
        reason: 'out-of-scope',
        code: 'incorrect-use',
        reference: null,
        message: 'Not a bug',
      },
      meta: now(),
    });
    const runner = createProjectionRunner(db.store, projections, incidentsProjection);
    runner.start();
    const head = (await db.store.readAll(0n, 1_000)).at(-1)!.position.toString();
    await eventually(
      async () => (runner.status().checkpoint === head ? true : undefined),
      10_000,
      'the projection',
    );
    await runner.stop();

    // After the checkpoint: one incident changes, one is opened; the read model does not know yet.
    await db.send('a', {
      type: 'ChangeSeverity',
      data: { severity: 1, reason: 'Production down' },
      meta: now(),
    });
    await db.open('e', 2);

    const folded: string[] = [];
    const counting: EventStore = Object.create(db.store, {
      readStream: {
        value: (streamId: string) => {
          folded.push(streamId);
          return db.store.readStream(streamId);
        },
      },
    });
    const states = await collect(counting, database);
    expect([...states.keys()].sort()).toEqual(['a', 'b', 'c', 'e']);
    expect(states.get('a')?.severity).toBe(1); // the stream's state, not the stale row
    expect(folded.sort()).toEqual(['incident-a', 'incident-e']);

    // Without a read model (or before it ran), the whole incident feed is folded: the same answer.
    expect([...(await collect(db.store, null)).keys()].sort()).toEqual(['a', 'b', 'c', 'e']);
  }, 30_000);
});

import { createEventStore } from '@engine/event-store';
import { createSqlDatabase } from '@engine/platform';
import { createProjectionStore, PROJECTIONS } from '@engine/read-models';
import { cleanRebuild, dumpTables, headOf } from '../../read-side/support/read-side-fixture';
import { eventually } from '../../support/engine-process';

/**
 * Waits until every projection of the deployment's read store has reached the head of its feed,
 * then returns its tables next to those of a clean rebuild (a replay of the whole feed into a
 * fresh database): a test expects them equal.
 */
export async function projectionsAndRebuild(databaseUrl: string, timeoutMs = 60_000) {
  const store = await createEventStore({ kind: 'postgres', databaseUrl });
  const database = await createSqlDatabase({ kind: 'postgres', databaseUrl, poolSize: 2 });
  const projections = createProjectionStore(database);
  try {
    const live: Record<string, unknown> = {};
    const rebuilt: Record<string, unknown> = {};
    for (const projection of PROJECTIONS) {
      const head = await headOf(store, projection.streamPrefixes);
      await eventually(
        async () =>
          (await projections.readStatus(projection.name)).checkpoint >= head ? true : undefined,
        timeoutMs,
        () => `${projection.name} to reach ${head}`,
      );
      live[projection.name] = await dumpTables(database, projection);
      rebuilt[projection.name] = await cleanRebuild(store, projection, 'postgres');
    }
    return { live, rebuilt };
  } finally {
    await projections.close();
    await database.close();
    await store.close();
  }
}

/** The ids of every event under `prefix` in the store, in feed order. */
export async function eventIds(databaseUrl: string, prefix: string): Promise<string[]> {
  const store = await createEventStore({ kind: 'postgres', databaseUrl });
  try {
    const ids: string[] = [];
    let from = 0n;
    for (;;) {
      const page = await store.readAll(from, 1_000, { streamPrefixes: [prefix] });
      if (page.length === 0) return ids;
      ids.push(...page.map((event) => event.id));
      from = page.at(-1)!.position;
    }
  } finally {
    await store.close();
  }
}

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createEventStore, type EventStore } from '@engine/event-store';
import { createSqlDatabase, type SqlDatabase } from '@engine/platform';
import {
  createProjectionStore,
  liveTables,
  migrateReadModels,
  type Projection,
  type ProjectionStore,
  type SqlValue,
} from '@engine/read-models';

export type Kind = 'sqlite' | 'postgres';
export const KINDS: readonly Kind[] = ['sqlite', 'postgres'];

const baseUrl = (): string => process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function onServer(statement: string): Promise<void> {
  const admin = new Client({ connectionString: baseUrl() });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/** One throwaway database: a SQLite file (event store and read store share it, as by default) or a PostgreSQL database. */
export interface TestTarget {
  readonly kind: Kind;
  readonly sqlitePath?: string;
  readonly databaseUrl?: string;
  openStore(): Promise<EventStore>;
  /** A read-store handle of its own (as another process would have). */
  openDatabase(): Promise<SqlDatabase>;
  drop(): Promise<void>;
}

export async function createTarget(kind: Kind): Promise<TestTarget> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'read-side-'));
    const sqlitePath = join(dir, 'engine.sqlite');
    return {
      kind,
      sqlitePath,
      openStore: () => createEventStore({ kind, sqlitePath }),
      openDatabase: () => createSqlDatabase({ kind, sqlitePath }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `read_side_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    kind,
    databaseUrl,
    openStore: () => createEventStore({ kind, databaseUrl }),
    openDatabase: () => createSqlDatabase({ kind, databaseUrl, poolSize: 4 }),
    drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A read store ready for projections: migrated, with its projection store. */
export interface ReadSide {
  readonly database: SqlDatabase;
  readonly projections: ProjectionStore;
  close(): Promise<void>;
}

export async function openReadSide(target: TestTarget): Promise<ReadSide> {
  const database = await target.openDatabase();
  await migrateReadModels(database);
  const projections = createProjectionStore(database);
  return {
    database,
    projections,
    async close() {
      await projections.close();
      await database.close();
    },
  };
}

const normalise = (value: unknown): SqlValue => {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  return value === null || value === undefined ? null : String(value);
};

/** Every row of the projection's tables, ordered by key, values normalised for comparison. */
export async function dumpTables(
  database: SqlDatabase,
  projection: Projection,
): Promise<Record<string, Record<string, SqlValue>[]>> {
  const dump: Record<string, Record<string, SqlValue>[]> = {};
  for (const { table } of projection.documents) {
    const rows = await database.db
      .selectFrom(table.name)
      .selectAll()
      .orderBy(table.primaryKey)
      .execute();
    dump[table.name] = rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(table.columns.map((c) => [c.name, normalise(row[c.name])])),
    );
  }
  return dump;
}

/** Applies the whole feed to the projection's live tables (what a runner does, without one). */
export async function projectAll(
  store: EventStore,
  side: ReadSide,
  projection: Projection,
): Promise<bigint> {
  let checkpoint = (await side.projections.readStatus(projection.name)).checkpoint;
  for (;;) {
    const events = await store.readAll(checkpoint, 1_000, {
      streamPrefixes: projection.streamPrefixes,
    });
    if (events.length === 0) return checkpoint;
    const outcome = await side.projections.applyBatch({
      projection,
      statusName: projection.name,
      tables: liveTables,
      events,
      expected: checkpoint,
    });
    if (outcome.kind !== 'applied') throw new Error(`projecting: ${outcome.kind}`);
    checkpoint = outcome.checkpoint;
  }
}

/** The tables a clean replay of the whole feed gives, in a fresh database of the same kind. */
export async function cleanRebuild(
  store: EventStore,
  projection: Projection,
  kind: Kind,
): Promise<Record<string, Record<string, SqlValue>[]>> {
  const target = await createTarget(kind);
  const side = await openReadSide(target);
  try {
    await projectAll(store, side, projection);
    return await dumpTables(side.database, projection);
  } finally {
    await side.close();
    await target.drop();
  }
}

/** The position of the last event under the prefixes (0 when none). */
export async function headOf(store: EventStore, prefixes: readonly string[]): Promise<bigint> {
  let head = 0n;
  for (;;) {
    const page = await store.readAll(head, 10_000, { streamPrefixes: prefixes });
    if (page.length === 0) return head;
    head = page.at(-1)!.position;
  }
}

/** Polls until `done` holds (or fails the test after `timeoutMs`). */
export async function until(
  done: () => boolean | Promise<boolean>,
  what: string | (() => string),
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

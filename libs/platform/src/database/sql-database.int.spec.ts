import Database from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { loadEngineConfig } from '../config/engine-config';
import { StartupError } from '../startup/startup-error';
import { createTestSqlTarget, type TestSqlTarget } from '../testing/test-databases';
import { createSqlDatabase, withStatementCache, type SqlDatabase } from './sql-database';
import { openReadStore } from './sql-database.module';
import type { SqlMigration } from './sql-migrations';

const notesTable: SqlMigration = {
  name: 'test/001-notes',
  async up(db) {
    await db.schema
      .createTable('notes')
      .addColumn('id', 'integer', (column) => column.primaryKey())
      .addColumn('text', 'text', (column) => column.notNull())
      .execute();
  },
};

describe.each(['sqlite', 'postgres'] as const)('SqlDatabase on %s', (kind) => {
  let target: TestSqlTarget;
  const opened: SqlDatabase[] = [];
  const open = async (): Promise<SqlDatabase> => {
    const database = await createSqlDatabase(target);
    opened.push(database);
    return database;
  };

  beforeEach(async () => {
    target = await createTestSqlTarget(kind);
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
    await target.drop();
  });

  it('applies each migration once and records it', async () => {
    const database = await open();
    let runs = 0;
    const counted: SqlMigration = {
      name: 'test/002-counted',
      up: async () => {
        runs += 1;
      },
    };
    await database.migrate([notesTable, counted]);
    await database.migrate([notesTable, counted]);
    expect(runs).toBe(1);
    await database.db.insertInto('notes').values({ id: 1, text: 'hello' }).execute();
    expect(await database.db.selectFrom('notes').selectAll().execute()).toEqual([
      { id: 1, text: 'hello' },
    ]);
    const names = await database.db.selectFrom('sql_migrations').select('name').execute();
    expect(names.map((row) => row.name).sort()).toEqual(['test/001-notes', 'test/002-counted']);
  });

  it('lets two connections migrate at once: every migration runs exactly once', async () => {
    const [first, second] = [await open(), await open()];
    let runs = 0;
    const slow: SqlMigration = {
      name: 'test/003-slow',
      async up(db) {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        await sql`CREATE TABLE slow_marker (id integer)`.execute(db);
      },
    };
    await Promise.all([first.migrate([notesTable, slow]), second.migrate([notesTable, slow])]);
    expect(runs).toBe(1);
  });

  it('rolls a failed migration back and records nothing', async () => {
    const database = await open();
    const broken: SqlMigration = {
      name: 'test/004-broken',
      async up(db) {
        await sql`CREATE TABLE half_done (id integer)`.execute(db);
        throw new Error('boom');
      },
    };
    await expect(database.migrate([notesTable, broken])).rejects.toThrow('boom');
    const names = await database.db
      .selectFrom('sql_migrations')
      .select('name')
      .execute()
      .catch(() => []);
    expect(names).toEqual([]);
    await database.migrate([notesTable]);
    expect(await database.db.selectFrom('notes').selectAll().execute()).toEqual([]);
  });

  it('refuses a list naming a migration twice', async () => {
    const database = await open();
    await expect(database.migrate([notesTable, notesTable])).rejects.toThrow('listed twice');
  });
});

describe('createSqlDatabase', () => {
  it('fails at once when PostgreSQL does not answer', async () => {
    await expect(
      createSqlDatabase({ kind: 'postgres', databaseUrl: 'postgres://postgres@127.0.0.1:1/x' }),
    ).rejects.toThrow();
  });

  it('needs the setting of its kind', async () => {
    await expect(createSqlDatabase({ kind: 'sqlite' })).rejects.toThrow('needs sqlitePath');
    await expect(createSqlDatabase({ kind: 'postgres' })).rejects.toThrow('needs databaseUrl');
  });
});

interface NotesDb {
  notes: { id: number; text?: string };
}

describe('withStatementCache', () => {
  const opened: Database.Database[] = [];
  const open = (): Database.Database => {
    const sqlite = new Database(':memory:');
    opened.push(sqlite);
    return sqlite;
  };
  afterEach(() => {
    for (const sqlite of opened.splice(0)) if (sqlite.open) sqlite.close();
  });

  it('prepares each SQL text once and hands the same statement back', () => {
    const cached = withStatementCache(open());
    const first = cached.prepare('SELECT 1 AS one');
    expect(cached.prepare('SELECT 1 AS one')).toBe(first);
    expect(cached.prepare('SELECT 2 AS two')).not.toBe(first);
    expect(first.all([])).toEqual([{ one: 1 }]);
  });

  it('keeps at most its capacity, the first prepared dropped first', () => {
    const cached = withStatementCache(open(), 2);
    const one = cached.prepare('SELECT 1');
    const two = cached.prepare('SELECT 2');
    cached.prepare('SELECT 3');
    expect(cached.prepare('SELECT 2')).toBe(two);
    expect(cached.prepare('SELECT 1')).not.toBe(one);
  });

  it('answers with the schema as it is now after a migration changed it under a kept statement', async () => {
    const db = new Kysely<NotesDb>({
      dialect: new SqliteDialect({ database: withStatementCache(open()) }),
    });
    await sql`CREATE TABLE notes (id integer PRIMARY KEY)`.execute(db);
    await db.insertInto('notes').values({ id: 1 }).execute();
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([{ id: 1 }]);
    await sql`ALTER TABLE notes ADD COLUMN text text NOT NULL DEFAULT 'none'`.execute(db);
    expect(await db.selectFrom('notes').selectAll().execute()).toEqual([{ id: 1, text: 'none' }]);
    await db.destroy();
  });

  it('runs a query while another of the same text is streamed, one after the other', async () => {
    const db = new Kysely<NotesDb>({
      dialect: new SqliteDialect({ database: withStatementCache(open()) }),
    });
    await sql`CREATE TABLE notes (id integer PRIMARY KEY)`.execute(db);
    await db
      .insertInto('notes')
      .values([{ id: 1 }, { id: 2 }, { id: 3 }])
      .execute();
    const query = db.selectFrom('notes').select('id').orderBy('id');
    const streamed: number[] = [];
    const [, all] = await Promise.all([
      (async () => {
        for await (const row of query.stream()) streamed.push(row.id);
      })(),
      query.execute(),
    ]);
    expect(streamed).toEqual([1, 2, 3]);
    expect(all).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    await db.destroy();
  });
});

describe('openReadStore', () => {
  it('stops start-up with one sentence when PostgreSQL does not answer', async () => {
    const config = loadEngineConfig({
      READ_STORE: 'postgres',
      DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/engine',
    });
    const error = await openReadStore(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toMatch(
      /^The read store's PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/engine is not answering: start it or check DATABASE_URL \(.+\)\.$/,
    );
  });
});

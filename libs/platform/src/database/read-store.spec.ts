import { loadEngineConfig } from '../config/engine-config';
import { readStoreSqlitePath, resolveReadStore } from './read-store';

const cwd = '/srv/engine';

describe('resolveReadStore', () => {
  it('is the embedded SQLite file by default', () => {
    expect(resolveReadStore(loadEngineConfig({}, cwd))).toEqual({
      kind: 'sqlite',
      sqlitePath: '/srv/engine/.data/engine.read.sqlite',
    });
  });

  it('is PostgreSQL when the event store is', () => {
    const config = loadEngineConfig(
      { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/engine' },
      cwd,
    );
    expect(resolveReadStore(config)).toEqual({
      kind: 'postgres',
      databaseUrl: 'postgres://db/engine',
    });
  });

  it.each([
    [{ DATABASE_URL: 'postgres://db/engine' }, 'postgres'],
    [{}, 'sqlite'],
  ])('follows DATABASE_URL for EventStoreDB: %j', (env, kind) => {
    const config = loadEngineConfig(
      { EVENT_STORE: 'esdb', EVENTSTORE_URL: 'esdb://es', ...env },
      cwd,
    );
    expect(resolveReadStore(config).kind).toBe(kind);
  });

  it('honours an explicit READ_STORE', () => {
    const config = loadEngineConfig(
      { EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/engine', READ_STORE: 'sqlite' },
      cwd,
    );
    expect(resolveReadStore(config)).toEqual({
      kind: 'sqlite',
      sqlitePath: '/srv/engine/.data/engine.read.sqlite',
    });
  });
});

describe('readStoreSqlitePath', () => {
  it.each([
    ['/data/engine.sqlite', '/data/engine.read.sqlite'],
    ['/data/engine.db', '/data/engine.read.db'],
    ['/data/engine', '/data/engine.read'],
  ])('%s -> %s', (path, expected) => {
    expect(readStoreSqlitePath(path)).toBe(expected);
  });
});

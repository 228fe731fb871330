import { createTestSqlTarget, type TestSqlTarget } from '../testing/test-databases';
import { nextInSequence } from './sequences';
import { createSqlDatabase, type SqlDatabase } from './sql-database';

/** Four callers drawing `count` numbers each, one after another, all at the same time. */
async function drawConcurrently(
  databases: readonly SqlDatabase[],
  callers: number,
  count: number,
): Promise<number[][]> {
  return Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      const database = databases[caller % databases.length];
      const values: number[] = [];
      for (let i = 0; i < count; i += 1)
        values.push(await nextInSequence(database, 'ticket', 1001));
      return values;
    }),
  );
}

function expectUniqueAndIncreasing(drawn: number[][], total: number): void {
  expect(new Set(drawn.flat()).size).toBe(total);
  for (const values of drawn) {
    for (let i = 1; i < values.length; i += 1) expect(values[i]).toBeGreaterThan(values[i - 1]);
  }
  expect(Math.min(...drawn.flat())).toBe(1001);
}

describe.each(['sqlite', 'postgres'] as const)('nextInSequence on %s', (kind) => {
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

  it('starts at `start`, then counts up; names are independent', async () => {
    const database = await open();
    expect(await nextInSequence(database, 'incident-number', 1001)).toBe(1001);
    expect(await nextInSequence(database, 'incident-number', 1001)).toBe(1002);
    expect(await nextInSequence(database, 'problem-number', 1)).toBe(1);
    expect(await nextInSequence(database, 'incident-number', 1001)).toBe(1003);
  });

  it('jumps to a start raised later, and never goes back', async () => {
    const database = await open();
    await nextInSequence(database, 'n', 5);
    expect(await nextInSequence(database, 'n', 100)).toBe(100);
    expect(await nextInSequence(database, 'n', 1)).toBe(101);
  });

  it('hands out unique, per-caller increasing values to 4 concurrent callers x 200', async () => {
    // PostgreSQL: one pool (10 connections); SQLite: two separate connections on one file.
    const databases = kind === 'postgres' ? [await open()] : [await open(), await open()];
    const drawn = await drawConcurrently(databases, 4, 200);
    expectUniqueAndIncreasing(drawn, 800);
  }, 60_000);

  it('stays unique across separate connections drawing at once', async () => {
    const databases = [await open(), await open()];
    const drawn = await drawConcurrently(databases, 2, 200);
    expectUniqueAndIncreasing(drawn, 400);
  }, 60_000);
});

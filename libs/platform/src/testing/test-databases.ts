import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/** A throwaway database for one test file, removed by `drop`. */
export interface TestSqlTarget {
  readonly kind: 'sqlite' | 'postgres';
  /** For sqlite: a file in a fresh temp directory. */
  readonly sqlitePath?: string;
  /** For postgres: a fresh database on DATABASE_URL's server. */
  readonly databaseUrl?: string;
  drop(): Promise<void>;
}

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

export async function createTestSqlTarget(kind: 'sqlite' | 'postgres'): Promise<TestSqlTarget> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'platform-sql-'));
    return {
      kind,
      sqlitePath: join(dir, 'read.sqlite'),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `platform_test_${randomBytes(6).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl());
  url.pathname = `/${name}`;
  return {
    kind,
    databaseUrl: url.toString(),
    drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

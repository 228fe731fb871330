import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lint rule that keeps libs/domain pure must catch each kind of breach. */
describe('libs/domain stays pure (ESLint rule)', () => {
  const root = join(__dirname, '..');
  const dir = join(root, 'libs/domain/src', `purity-check-${process.pid}`);
  const cases: Record<string, string> = {
    framework: "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
    queue: "import { Queue } from 'bullmq';\nexport const x = Queue;\n",
    postgres: "import { Pool } from 'pg';\nexport const x = Pool;\n",
    sqlite: "import Database from 'better-sqlite3';\nexport const x = Database;\n",
    io: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    'new-date': 'export const now = (): Date => new Date();\n',
    'date-now': 'export const now = (): number => Date.now();\n',
    'luxon-now': "import { DateTime } from 'luxon';\nexport const now = () => DateTime.now();\n",
    environment: 'export const env = (): string | undefined => process.env.X;\n',
    pure: "import { DateTime } from 'luxon';\nexport const local = (ms: number): string => DateTime.fromMillis(ms, { zone: 'UTC' }).toISO() ?? new Date(ms).toISOString();\n",
  };
  let messages: Record<string, string[]> = {};

  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    for (const [name, code] of Object.entries(cases)) writeFileSync(join(dir, `${name}.ts`), code);
    let output: string;
    try {
      output = execFileSync(join(root, 'node_modules/.bin/eslint'), ['--format', 'json', dir], {
        cwd: root,
        encoding: 'utf8',
      });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const results = JSON.parse(output) as Array<{
      filePath: string;
      messages: Array<{ message: string }>;
    }>;
    messages = Object.fromEntries(
      results.map((r) => [
        r.filePath.split('/').pop()!.replace(/\.ts$/, ''),
        r.messages.map((m) => m.message),
      ]),
    );
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(Object.keys(cases).filter((name) => name !== 'pure'))('refuses %s', (name) => {
    expect(messages[name].join('\n')).toMatch(/libs\/domain/);
  });

  it('accepts pure code: dates from given instants, luxon for zones', () => {
    expect(messages.pure).toEqual([]);
  });
});

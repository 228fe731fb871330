import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  type BenchRun,
  checkRows,
  formatMarkdown,
  formatMarkdownTable,
  formatReport,
  formatTable,
  formatTarget,
  formatValue,
  resultFileName,
  selectSuites,
  serializeRun,
  writeResults,
} from '../bench/bench-report';

const sampleRows = [
  { name: 'append, 1 event per call', store: 'sqlite', value: 1801.4, unit: 'appends/s' },
  {
    name: 'read the feed',
    store: 'postgres',
    value: 90009,
    unit: 'events/s',
    target: { min: 1e5 },
  },
  { name: 'heap after 10k incidents', value: 41.256, unit: 'MB', target: { max: 64 }, note: 'a|b' },
];

const sampleRun = (): BenchRun => ({
  startedAt: '2025-01-31T09:05:00.123Z',
  finishedAt: '2025-01-31T09:05:30.000Z',
  commit: 'abc1234',
  machine: {
    cpus: 2,
    cpuModel: 'Test CPU',
    memoryMb: 4096,
    freeMemoryMb: 1024,
    node: 'v20.11.0',
    platform: 'linux-x64 6.0',
    loadAverageAtStart: [1.5, 0.75, 0.5],
    loadAverageAtEnd: [1.9, 0.8, 0.5],
  },
  suites: [
    { suite: 'projections', file: 'bench/projections.bench.ts', durationMs: 1200 },
    { suite: 'store', file: 'bench/store.bench.ts', durationMs: 25_000 },
  ],
  results: [
    ...checkRows('projections', sampleRows.slice(2)),
    ...checkRows('store', sampleRows.slice(0, 2)),
  ],
});

describe('bench runner: choosing suites', () => {
  const available = ['store', 'projections', 'timers'];

  it('runs every suite, in name order, when none is named', () => {
    expect(selectSuites(available, [])).toEqual(['projections', 'store', 'timers']);
  });

  it('accepts a name, a file name or a path, in the order given, once each', () => {
    expect(selectSuites(available, ['timers', 'bench/store.bench.ts', 'store.bench.ts'])).toEqual([
      'timers',
      'store',
    ]);
  });

  it('names the unknown suites and the available ones', () => {
    expect(() => selectSuites(available, ['store', 'webhook'])).toThrow(
      'unknown benchmark suite(s): webhook; available: projections, store, timers',
    );
  });
});

describe('bench runner: checking rows', () => {
  it('attaches the suite and a verdict for rows with a target', () => {
    const [plain, slow, lean] = checkRows('store', sampleRows);
    expect(plain).toEqual({ suite: 'store', ...sampleRows[0] });
    expect(plain).not.toHaveProperty('pass');
    expect(slow.pass).toBe(false);
    expect(lean.pass).toBe(true);
    expect(
      checkRows('s', [{ name: 'r', value: 5, unit: 'x', target: { min: 1, max: 5 } }]),
    ).toEqual([expect.objectContaining({ pass: true })]);
  });

  it.each([
    ['not an array', { rows: [] }, 'expected an array of rows'],
    ['no name', [{ value: 1, unit: 'x' }], 'row 1: no name'],
    ['a string value', [{ name: 'n', value: '12', unit: 'x' }], 'not a finite number'],
    ['NaN', [{ name: 'n', value: NaN, unit: 'x' }], 'not a finite number'],
    ['no unit', [{ name: 'n', value: 1 }], 'no unit'],
    ['an empty target', [{ name: 'n', value: 1, unit: 'x', target: {} }], 'min and/or max'],
  ])('rejects %s', (_, rows, message) => {
    expect(() => checkRows('store', rows)).toThrow(message);
  });
});

describe('bench runner: formatting', () => {
  it('formats values and targets the same on every locale', () => {
    expect(formatValue(1234567.891)).toBe('1,234,567.89');
    expect(formatValue(0.001234)).toBe('0.00123');
    expect(formatValue(0)).toBe('0');
    expect(formatTarget({ min: 1000 })).toBe('>= 1,000');
    expect(formatTarget({ max: 64 })).toBe('<= 64');
    expect(formatTarget({ min: 1, max: 2 })).toBe('1 to 2');
    expect(formatTarget(undefined)).toBe('');
  });

  it('prints an aligned table with a verdict where there is a target', () => {
    expect(formatTable(sampleRun().results)).toBe(
      [
        'suite        name                      store       value  unit           target  result  note',
        '-----------  ------------------------  --------  -------  ---------  ----------  ------  ----',
        'projections  heap after 10k incidents              41.26  MB              <= 64  pass    a|b',
        'store        append, 1 event per call  sqlite    1,801.4  appends/s',
        'store        read the feed             postgres   90,009  events/s   >= 100,000  FAIL',
      ].join('\n'),
    );
  });

  it('writes the same table in Markdown, with pipes escaped and numbers right-aligned', () => {
    const lines = formatMarkdownTable(sampleRun().results).split('\n');
    expect(lines[0]).toMatch(/^\| suite +\| name +\| store +\| +value \| unit +\| +target \|/);
    expect(lines[1]).toMatch(
      /^\| -{11} \| -{24} \| -{8} \| -+: \| -{9} \| -+: \| -{6} \| -{4} \|$/,
    );
    expect(lines[2]).toContain('| pass   | a\\|b |');
    expect(lines).toHaveLength(5);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(formatTable([])).toBe('(no results)');
  });

  it('says where and when: load averages, commit, suites and their durations', () => {
    const markdown = formatMarkdown(sampleRun());
    expect(markdown).toContain('- when: 2025-01-31T09:05:00.123Z (commit abc1234)');
    expect(markdown).toContain('- suites: `projections` (1.2 s), `store` (25.0 s)');
    expect(markdown).toContain(
      '- machine: 2 x Test CPU, 4096 MB, Node v20.11.0, linux-x64 6.0; ' +
        'load average at start 1.50 0.75 0.50, at end 1.90 0.80 0.50',
    );
    expect(markdown).toContain(formatMarkdownTable(sampleRun().results));
  });

  it('reports a failed suite with its error', () => {
    const run = {
      ...sampleRun(),
      suites: [{ suite: 'timers', file: 'bench/timers.bench.ts', durationMs: 10, error: 'boom' }],
      results: [],
    };
    expect(formatReport(run)).toContain('timers failed:\nboom');
    expect(formatMarkdown(run)).toContain('`timers` (0.0 s, failed)');
    expect(formatMarkdown(run)).toContain('**timers failed:**\n\n```text\nboom\n```');
  });
});

describe('bench runner: writing results', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-results-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <timestamp>-<suites>.json and latest.md, and nothing else', () => {
    const run = sampleRun();
    expect(resultFileName(run)).toBe('2025-01-31T09-05-00Z-projections+store.json');

    const written = writeResults(join(dir, 'results'), run);

    expect(written.json).toBe(join(dir, 'results', '2025-01-31T09-05-00Z-projections+store.json'));
    expect(readdirSync(join(dir, 'results')).sort()).toEqual([
      '2025-01-31T09-05-00Z-projections+store.json',
      'latest.md',
    ]);
    expect(JSON.parse(readFileSync(written.json, 'utf8'))).toEqual(run);
    expect(readFileSync(written.markdown, 'utf8')).toBe(formatMarkdown(run));
  });

  it('keeps the JSON small: one line per suite and per figure', () => {
    const lines = serializeRun(sampleRun()).trimEnd().split('\n');
    expect(lines[1]).toBe('  "startedAt": "2025-01-31T09:05:00.123Z",');
    expect(lines.filter((line) => line.startsWith('    {"suite":'))).toHaveLength(5);
    expect(lines).toHaveLength(15);
    expect(serializeRun({ ...sampleRun(), commit: undefined, results: [] })).toContain(
      '"results": []',
    );
  });
});

describe('bench runner: the TypeScript require hook', () => {
  it('compiles decorators with metadata and resolves the @engine aliases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-hook-'));
    try {
      const file = join(dir, 'probe.ts');
      writeFileSync(
        file,
        [
          "import 'reflect-metadata';",
          "import * as domain from '@engine/domain';",
          'const mark: PropertyDecorator = () => undefined;',
          'class Probe {',
          '  @mark readonly when!: Date;',
          '}',
          'const type = Reflect.getMetadata("design:type", Probe.prototype, "when") as unknown;',
          'console.log(JSON.stringify({ type: type === Date, domain: Object.keys(domain).length }));',
        ].join('\n'),
      );
      const root = resolve(__dirname, '..');
      const child = spawnSync(
        process.execPath,
        ['-r', join(root, 'scripts', 'register-ts.cjs'), '-e', `require(${JSON.stringify(file)})`],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
        },
      );
      expect(child.stderr).toBe('');
      const probe = JSON.parse(child.stdout) as { type: boolean; domain: number };
      expect(probe.type).toBe(true);
      expect(probe.domain).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

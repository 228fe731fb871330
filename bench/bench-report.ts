// The benchmark runner's own logic (scripts/bench.mjs): picking suites, checking the rows a suite
// returns, judging targets, and printing / writing the results. Pure apart from `writeResults`.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';

/** A bound a figure should meet: `min` for speeds (higher is better), `max` for memory or latency. */
export interface BenchTarget {
  readonly min?: number;
  readonly max?: number;
}

/** One figure, as a suite's `run*Bench()` returns it. */
export interface BenchRow {
  readonly name: string;
  readonly store?: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: BenchTarget;
  readonly note?: string;
}

/** A figure in a run: the row, the suite it came from and, when it has a target, the verdict. */
export interface BenchResult extends BenchRow {
  readonly suite: string;
  readonly pass?: boolean;
}

export interface SuiteOutcome {
  readonly suite: string;
  readonly file: string;
  readonly durationMs: number;
  /** Set when the suite threw (or its rows were malformed); its figures are then missing. */
  readonly error?: string;
}

export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryMb: number;
  readonly freeMemoryMb: number;
  readonly node: string;
  readonly platform: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  readonly loadAverageAtStart: readonly number[];
  readonly loadAverageAtEnd?: readonly number[];
}

export interface BenchRun {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly commit?: string;
  readonly machine: MachineInfo;
  readonly suites: readonly SuiteOutcome[];
  readonly results: readonly BenchResult[];
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function describeMachine(): MachineInfo {
  const cores = cpus();
  return {
    cpus: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    memoryMb: Math.round(totalmem() / 2 ** 20),
    freeMemoryMb: Math.round(freemem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform}-${process.arch} ${release()}`,
    loadAverageAtStart: loadavg().map(round2),
  };
}

/** `bench/<name>.bench.ts` -> `<name>`. */
export const suiteName = (file: string): string =>
  file.replace(/^.*[\\/]/, '').replace(/\.bench\.ts$/, '');

/**
 * The suites to run: all of `available` (suite names) when nothing is requested, else the requested
 * ones in the order given; `bench/store.bench.ts`, `store.bench.ts` and `store` all name `store`.
 * @throws Error naming the unknown suites and the available ones
 */
export function selectSuites(available: readonly string[], requested: readonly string[]): string[] {
  if (requested.length === 0) return [...available].sort();
  const wanted = [...new Set(requested.map(suiteName))];
  const unknown = wanted.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown benchmark suite(s): ${unknown.join(', ')}; available: ${[...available].sort().join(', ') || 'none'}`,
    );
  }
  return wanted;
}

/**
 * Checks what a suite returned and attaches the suite name and verdicts.
 * @throws TypeError when a row lacks a name, a finite value or a unit, or has a malformed target
 */
export function checkRows(suite: string, rows: unknown): BenchResult[] {
  if (!Array.isArray(rows)) throw new TypeError(`${suite}: expected an array of rows`);
  return rows.map((row: Partial<BenchRow>, index) => {
    const where = `${suite}: row ${index + 1}`;
    if (typeof row?.name !== 'string' || row.name === '') throw new TypeError(`${where}: no name`);
    if (typeof row.value !== 'number' || !Number.isFinite(row.value)) {
      throw new TypeError(`${where} (${row.name}): value is not a finite number`);
    }
    if (typeof row.unit !== 'string') throw new TypeError(`${where} (${row.name}): no unit`);
    const { target } = row;
    if (target !== undefined) {
      const bounds = [target.min, target.max].filter((bound) => bound !== undefined);
      if (bounds.length === 0 || bounds.some((bound) => typeof bound !== 'number')) {
        throw new TypeError(`${where} (${row.name}): a target needs a numeric min and/or max`);
      }
    }
    const result: BenchResult = { suite, ...(row as BenchRow) };
    return target === undefined ? result : { ...result, pass: meets(row.value, target) };
  });
}

export const meets = (value: number, target: BenchTarget): boolean =>
  (target.min === undefined || value >= target.min) &&
  (target.max === undefined || value <= target.max);

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const smallFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** 12345.678 -> '12,345.68'; 0.001234 -> '0.00123' (the same on every locale). */
export const formatValue = (value: number): string =>
  value !== 0 && Math.abs(value) < 1 ? smallFormat.format(value) : numberFormat.format(value);

export function formatTarget(target: BenchTarget | undefined): string {
  if (target === undefined) return '';
  const { min, max } = target;
  if (min !== undefined && max !== undefined) return `${formatValue(min)} to ${formatValue(max)}`;
  return min !== undefined ? `>= ${formatValue(min)}` : `<= ${formatValue(max as number)}`;
}

const verdict = (pass: boolean | undefined) => (pass === undefined ? '' : pass ? 'pass' : 'FAIL');

interface Column {
  readonly title: string;
  readonly cell: (result: BenchResult) => string;
  readonly right?: boolean;
}

const columns = (results: readonly BenchResult[]): Column[] => [
  { title: 'suite', cell: (r) => r.suite },
  { title: 'name', cell: (r) => r.name },
  { title: 'store', cell: (r) => r.store ?? '' },
  { title: 'value', cell: (r) => formatValue(r.value), right: true },
  { title: 'unit', cell: (r) => r.unit },
  { title: 'target', cell: (r) => formatTarget(r.target), right: true },
  { title: 'result', cell: (r) => verdict(r.pass) },
  ...(results.some((r) => r.note)
    ? [{ title: 'note', cell: (r: BenchResult) => r.note ?? '' }]
    : []),
];

function grid(results: readonly BenchResult[], escape: (text: string) => string) {
  const cols = columns(results);
  const cells = results.map((result) => cols.map((col) => escape(col.cell(result))));
  const widths = cols.map((col, i) =>
    Math.max(col.title.length, ...cells.map((row) => row[i].length)),
  );
  const pad = (text: string, i: number) =>
    cols[i].right ? text.padStart(widths[i]) : text.padEnd(widths[i]);
  return { cols, cells, widths, pad };
}

/** The results as a plain-text table for the terminal. */
export function formatTable(results: readonly BenchResult[]): string {
  if (results.length === 0) return '(no results)';
  const { cols, cells, widths, pad } = grid(results, (text) => text);
  const line = (row: readonly string[]) => row.map(pad).join('  ').trimEnd();
  return [
    line(cols.map((col) => col.title)),
    line(widths.map((width) => '-'.repeat(width))),
    ...cells.map(line),
  ].join('\n');
}

/** The results as a Markdown table (columns padded, so it reads as well unrendered). */
export function formatMarkdownTable(results: readonly BenchResult[]): string {
  if (results.length === 0) return '_No results._';
  const { cols, cells, widths, pad } = grid(results, (text) => text.replaceAll('|', '\\|'));
  const line = (row: readonly string[]) => `| ${row.map(pad).join(' | ')} |`;
  const rule = widths.map((width, i) =>
    cols[i].right ? `${'-'.repeat(Math.max(width - 1, 2))}:` : '-'.repeat(Math.max(width, 3)),
  );
  return [line(cols.map((col) => col.title)), `| ${rule.join(' | ')} |`, ...cells.map(line)].join(
    '\n',
  );
}

const loads = (values: readonly number[]) => values.map((value) => value.toFixed(2)).join(' ');

/** One line on the machine: cores, Node, and the load averages (1, 5, 15 min). */
export function describeRunMachine(run: BenchRun): string {
  const { machine } = run;
  const end = machine.loadAverageAtEnd ? `, at end ${loads(machine.loadAverageAtEnd)}` : '';
  return (
    `${machine.cpus} x ${machine.cpuModel}, ${machine.memoryMb} MB, Node ${machine.node}, ` +
    `${machine.platform}; load average at start ${loads(machine.loadAverageAtStart)}${end}`
  );
}

const failures = (run: BenchRun) =>
  run.suites
    .filter((suite) => suite.error !== undefined)
    .map((suite) => ({ suite: suite.suite, error: suite.error as string }));

/** bench/results/latest.md: the run's table with when, where and how long. */
export function formatMarkdown(run: BenchRun): string {
  const suites = run.suites
    .map(
      (s) => `\`${s.suite}\` (${(s.durationMs / 1000).toFixed(1)} s${s.error ? ', failed' : ''})`,
    )
    .join(', ');
  const lines = [
    '# Latest benchmark run',
    '',
    `- when: ${run.startedAt}${run.commit ? ` (commit ${run.commit})` : ''}`,
    `- suites: ${suites}`,
    `- machine: ${describeRunMachine(run)}`,
    '',
    'Written by `npm run bench`; the method and its caveats are in `bench/README.md`.',
    '',
    formatMarkdownTable(run.results),
    '',
  ];
  for (const { suite, error } of failures(run)) {
    lines.push(`**${suite} failed:**`, '', '```text', firstLines(error), '```', '');
  }
  return lines.join('\n');
}

const firstLines = (text: string, count = 12) => text.split('\n').slice(0, count).join('\n');

/** `2025-01-31T09-05-00Z-projections+store.json`: sortable, and valid on every file system. */
export function resultFileName(run: BenchRun): string {
  const stamp = run.startedAt.replace(/\.\d+Z$/, 'Z').replaceAll(':', '-');
  const suites = run.suites.map((suite) => suite.suite).join('+') || 'none';
  return `${stamp}-${suites}.json`;
}

/** The run as JSON, one line per suite and per figure (small, and diffs well when committed). */
export function serializeRun(run: BenchRun): string {
  const entries = Object.entries(run)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => {
      const text =
        Array.isArray(value) && value.length > 0
          ? `[\n${value.map((item) => `    ${JSON.stringify(item)}`).join(',\n')}\n  ]`
          : JSON.stringify(value);
      return `  ${JSON.stringify(key)}: ${text}`;
    });
  return `{\n${entries.join(',\n')}\n}\n`;
}

/**
 * Writes `<dir>/<timestamp>-<suites>.json` (the whole run) and `<dir>/latest.md`; each file is
 * written to a temporary name first and renamed, so a reader never sees half a file.
 */
export function writeResults(dir: string, run: BenchRun): { json: string; markdown: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, resultFileName(run));
  const markdown = join(dir, 'latest.md');
  const write = (path: string, text: string) => {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  };
  write(json, serializeRun(run));
  write(markdown, formatMarkdown(run));
  return { json, markdown };
}

/** The terminal report: the table, the machine line, and each failed suite's error. */
export function formatReport(run: BenchRun): string {
  const parts = [formatTable(run.results), '', describeRunMachine(run)];
  for (const { suite, error } of failures(run)) parts.push('', `${suite} failed:`, error);
  return parts.join('\n');
}

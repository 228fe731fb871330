import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONFIG_VARIABLES, type ConfigVariable } from './config-variables';

const ROOT = join(__dirname, '../../../..');
const DOCUMENTED = new Set<string>(CONFIG_VARIABLES.map((variable) => variable.name));
/** Set by the operating system or the shell, not settings of the engine or its tests. */
const PLATFORM_VARIABLES = new Set(['PATH', 'HOME', 'CI', 'NO_COLOR', 'TMPDIR', 'NODE_OPTIONS']);

/**
 * The environment variables a source text reads: `process.env.X`, `process.env['X']`, `env.X`,
 * `env['X']`; and in code that reads through the EnvReader (`new EnvReader(...)`), every
 * upper-case string literal (`read.text('X')`, or a name handed to a helper).
 */
function environmentReads(source: string): string[] {
  const name = '([A-Z][A-Z0-9_]+)';
  const patterns = [
    new RegExp(`\\benv\\.${name}\\b`, 'g'),
    new RegExp(`\\benv\\[\\s*['"\`]${name}['"\`]\\s*\\]`, 'g'),
  ];
  if (/\bnew EnvReader\(/.test(source)) patterns.push(new RegExp(`['"]${name}['"]`, 'g'));
  const names = new Set<string>();
  for (const pattern of patterns)
    for (const match of source.matchAll(pattern)) names.add(match[1] as string);
  return [...names].sort();
}

/** Source files under `dir` (relative to the repository root) whose path passes `keep`. */
function sourceFiles(dir: string, keep: (path: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.(ts|mjs|cjs|js)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .filter((path) => !path.split(/[\\/]/).includes('node_modules') && keep(path));
}

/** The programs' code: what the build compiles (it leaves out specs and `testing/` helpers). */
const isEngineCode = (path: string): boolean =>
  path.endsWith('.ts') && !path.endsWith('.spec.ts') && !/(^|[\\/])testing[\\/]/.test(path);

/** Variable -> the files that read it. */
function readsIn(files: readonly string[]): Map<string, string[]> {
  const reads = new Map<string, string[]>();
  const self = relative(ROOT, __filename); // its examples are not reads
  for (const file of files.filter((path) => path !== self))
    for (const variable of environmentReads(readFileSync(join(ROOT, file), 'utf8')))
      reads.set(variable, [...(reads.get(variable) ?? []), file]);
  return reads;
}

/** The text of a Markdown section, from its heading to the next heading of the same level. */
function markdownSection(file: string, heading: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const level = /^#+/.exec(heading)?.[0] ?? '##';
  const start = text.split('\n').findIndex((line) => line === heading);
  if (start < 0) return '';
  const rest = text.split('\n').slice(start + 1);
  const end = rest.findIndex((line) => new RegExp(`^#{1,${level.length}} `).test(line));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
}

/** The README's configuration table, as rows of trimmed cells. */
function readmeConfigurationTable(): string[][] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // header and separator
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

function expectedRow(variable: ConfigVariable): string[] {
  const shownDefault =
    variable.default !== null ? `\`${variable.default}\`` : (variable.defaultNote ?? 'unset');
  return [`\`${variable.name}\``, shownDefault, variable.description];
}

describe("README's configuration table", () => {
  const rows = readmeConfigurationTable();

  it.each(CONFIG_VARIABLES.map((variable) => [variable.name, variable]))(
    'lists %s with its default and meaning',
    (_name, variable) => {
      const expected = expectedRow(variable);
      expect(rows.find((row) => row[0] === expected[0])).toEqual(expected);
    },
  );

  it('lists no variable the engine does not read', () => {
    expect(rows.map((row) => row[0])).toEqual(CONFIG_VARIABLES.map((v) => `\`${v.name}\``));
  });
});

describe('every environment variable is documented', () => {
  it('finds the reads it looks for (and only those)', () => {
    const source = [
      'const a = process.env.ALPHA_URL;',
      "const b = process.env['BETA'];",
      'const c = env.GAMMA ?? env[`DELTA`];',
      "const text = 'not a read: EPSILON';",
    ].join('\n');
    expect(environmentReads(source)).toEqual(['ALPHA_URL', 'BETA', 'DELTA', 'GAMMA']);
    const reader =
      "const read = new EnvReader(env);\nread.integer('ZETA', 0, 9); helper(read, 'ETA');";
    expect(environmentReads(reader)).toEqual(['ETA', 'ZETA']);
  });

  const engineReads = readsIn([
    ...sourceFiles('apps', isEngineCode),
    ...sourceFiles('libs', isEngineCode),
  ]);

  it('reads its configuration through CONFIG_VARIABLES (so the table above lists it)', () => {
    const undocumented = [...engineReads]
      .filter(([variable]) => !DOCUMENTED.has(variable) && !PLATFORM_VARIABLES.has(variable))
      .map(([variable, files]) => `${variable} (read in ${files.join(', ')})`);
    expect(undocumented).toEqual([]);
  });

  it('documents no variable the engine never reads', () => {
    expect(CONFIG_VARIABLES.map((v) => v.name).filter((name) => !engineReads.has(name))).toEqual(
      [],
    );
  });

  it("documents the tests' and benchmarks' own variables (README Testing, bench/README.md)", () => {
    const docs =
      markdownSection('README.md', '## Testing') +
      readFileSync(join(ROOT, 'bench/README.md'), 'utf8');
    const isTestCode = (path: string) => path.endsWith('.ts') && !isEngineCode(path);
    const reads = readsIn([
      ...sourceFiles('apps', isTestCode),
      ...sourceFiles('libs', isTestCode),
      ...sourceFiles('test', () => true),
      ...sourceFiles('scripts', () => true),
      ...sourceFiles('bench', (path) => !path.startsWith('bench/results')),
    ]);
    const undocumented = [...reads]
      .filter(([variable]) => !DOCUMENTED.has(variable) && !PLATFORM_VARIABLES.has(variable))
      .filter(([variable]) => !new RegExp(`\`${variable}\\b`).test(docs))
      .map(([variable, files]) => `${variable} (read in ${files.join(', ')})`);
    expect(undocumented).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES, type ConfigVariable } from './config-variables';

/** The README's configuration table, as rows of trimmed cells. */
function readmeConfigurationTable(): string[][] {
  const readme = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');
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

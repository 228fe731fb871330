import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURES = join(__dirname, '../fixtures');

/**
 * A fixture as a mail server would hand it over: `{{NAME}}` placeholders filled in, CRLF line
 * ends (the files are kept with LF for readability), as bytes.
 */
export function fixture(name: string, values: Record<string, string> = {}): Buffer {
  const text = readFileSync(join(FIXTURES, `${name}.eml`), 'utf8').replace(
    /\{\{([A-Z_]+)\}\}/g,
    (_match, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`fixture ${name}: no value for {{${key}}}`);
      return value;
    },
  );
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
}

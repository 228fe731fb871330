import { parseDuration, type DurationInput } from '../calendar/business-time';
import type { Duration } from '../calendar/calendar.model';

export interface PolicyIssue {
  /** Dotted path of the field (`plans.enhanced.responseTargets.1`), or a line for YAML syntax. */
  readonly path: string;
  readonly message: string;
}

export type YamlMap = Readonly<Record<string, unknown>>;

/**
 * Reads one part of a parsed document, collecting every problem instead of stopping at the
 * first, so one run shows the author all that is wrong. Each read returns undefined when the
 * value is missing or wrong (the issue is recorded).
 */
export class PolicyReader {
  readonly issues: PolicyIssue[] = [];

  report(path: string, message: string): undefined {
    this.issues.push({ path, message });
    return undefined;
  }

  /**
   * A mapping holding only `fields` (any keys when omitted); missing fields are left to the
   * reads of those fields.
   */
  map(path: string, value: unknown, fields?: readonly string[]): YamlMap | undefined {
    if (isMissing(value)) return this.report(path, 'required');
    if (!isMap(value)) return this.report(path, 'must be a mapping');
    for (const key of Object.keys(value)) {
      if (fields && !fields.includes(key)) this.report(at(path, key), 'unknown field');
    }
    return value;
  }

  list(
    path: string,
    value: unknown,
    minLength = 0,
    what = 'entry',
  ): readonly unknown[] | undefined {
    if (isMissing(value)) return this.report(path, 'required');
    if (!Array.isArray(value)) return this.report(path, 'must be a list');
    if (value.length < minLength) return this.report(path, `must list at least one ${what}`);
    return value;
  }

  string(path: string, value: unknown): string | undefined {
    if (isMissing(value)) return this.report(path, 'required');
    if (typeof value !== 'string') {
      const hint = typeof value === 'number' ? ', not a number: write it in quotes' : '';
      return this.report(path, `must be a string${hint}`);
    }
    if (value.trim() === '') return this.report(path, 'must not be empty');
    return value;
  }

  /** One of `allowed`, the message naming what it is (`unknown channel "fax" (web or email)`). */
  oneOf<T extends string>(
    path: string,
    value: unknown,
    allowed: readonly T[],
    what: string,
  ): T | undefined {
    if (isMissing(value)) return this.report(path, 'required');
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
      return value as T;
    return this.report(
      path,
      `unknown ${what} ${JSON.stringify(value)} (one of ${allowed.join(', ')})`,
    );
  }

  positiveInteger(path: string, value: unknown): number | undefined {
    if (isMissing(value)) return this.report(path, 'required');
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    return this.report(path, 'must be a whole number greater than 0');
  }

  boolean(path: string, value: unknown): boolean | undefined {
    if (isMissing(value)) return this.report(path, 'required');
    if (typeof value === 'boolean') return value;
    return this.report(path, 'must be true or false');
  }

  duration(path: string, value: unknown): Duration | undefined {
    if (isMissing(value)) return this.report(path, 'required');
    try {
      return parseDuration(value as DurationInput);
    } catch (error) {
      return this.report(path, error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * A mapping keyed by the numbers `keys` (severities, escalation levels, named `what`), every one
   * present and read with `read`; `otherFields` may sit beside them and are read by the caller.
   */
  numbered<K extends number, T>(
    path: string,
    map: YamlMap,
    keys: readonly K[],
    what: string,
    read: (path: string, value: unknown) => T | undefined,
    otherFields: readonly string[] = [],
  ): Record<K, T> | undefined {
    const result: Partial<Record<K, T>> = {};
    const range = `${keys[0]}-${keys[keys.length - 1]}`;
    let complete = true;
    for (const key of Object.keys(map)) {
      if (otherFields.includes(key) || keys.map(String).includes(key)) continue;
      this.report(
        at(path, key),
        /^-?\d+$/.test(key) ? `${what} must be ${range}` : 'unknown field',
      );
    }
    for (const key of keys) {
      const value = map[String(key)];
      const entry = isMissing(value)
        ? this.report(at(path, key), `required (every ${what} ${range} needs an entry)`)
        : read(at(path, key), value);
      if (entry === undefined) complete = false;
      else result[key] = entry;
    }
    return complete ? (result as Record<K, T>) : undefined;
  }
}

export const at = (path: string, key: string | number): string =>
  path ? `${path}.${key}` : String(key);

export const isMap = (value: unknown): value is YamlMap =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const allDefined = <T>(values: readonly (T | undefined)[]): values is readonly T[] =>
  values.every((value) => value !== undefined);

export const isMissing = (value: unknown): value is null | undefined =>
  value === undefined || value === null;

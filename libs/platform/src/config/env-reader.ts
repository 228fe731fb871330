import type { ConfigIssue } from './config-error';
import { CONFIG_VARIABLES, type ConfigVariable, type ConfigVariableName } from './config-variables';

const VARIABLES = new Map<string, ConfigVariable>(
  CONFIG_VARIABLES.map((variable) => [variable.name, variable]),
);

/** Reads one variable at a time, falling back to its documented default, and collects issues. */
export class EnvReader {
  readonly issues: ConfigIssue[] = [];

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  issue(variable: ConfigVariableName, reason: string): void {
    this.issues.push({ variable, reason });
  }

  failed(variable: ConfigVariableName): boolean {
    return this.issues.some((issue) => issue.variable === variable);
  }

  /** The raw value, or the default; an empty or blank value counts as unset. */
  text(name: ConfigVariableName): string | null {
    const value = this.env[name]?.trim();
    return value ? value : (VARIABLES.get(name)?.default ?? null);
  }

  required(name: ConfigVariableName): string {
    const value = this.text(name);
    if (value === null) this.issue(name, 'is required');
    return value ?? '';
  }

  oneOf<T extends string>(name: ConfigVariableName, allowed: readonly T[]): T | null {
    const value = this.text(name);
    if (value === null) return null;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.issue(name, `must be one of ${allowed.join(', ')} (got ${this.shown(name, value)})`);
    return null;
  }

  integer(name: ConfigVariableName, min: number, max: number): number | null {
    const value = this.text(name);
    if (value === null) return null;
    const number = /^\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isSafeInteger(number) && number >= min && number <= max) return number;
    this.issue(name, `must be an integer from ${min} to ${max} (got ${this.shown(name, value)})`);
    return null;
  }

  boolean(name: ConfigVariableName): boolean | null {
    const value = this.text(name)?.toLowerCase();
    if (value === undefined) return null;
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    this.issue(name, `must be true or false (got ${this.shown(name, value)})`);
    return null;
  }

  url(name: ConfigVariableName, protocols: readonly string[]): string | null {
    const value = this.text(name);
    if (value === null) return null;
    let protocol: string;
    try {
      protocol = new URL(value).protocol;
    } catch {
      this.issue(name, `must be a URL (${protocols.map((p) => `${p}//...`).join(' or ')})`);
      return null;
    }
    if (protocols.includes(protocol)) return value;
    this.issue(name, `must be a ${protocols.join(' or ')} URL (got a ${protocol} URL)`);
    return null;
  }

  /** A 256-bit key written as 64 hex digits or as base64. */
  key32(name: ConfigVariableName): Buffer | null {
    const value = this.text(name);
    if (value === null) return null;
    if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
    if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
      const key = Buffer.from(
        value,
        value.includes('-') || value.includes('_') ? 'base64url' : 'base64',
      );
      if (key.length === 32) return key;
    }
    this.issue(
      name,
      'must be 32 bytes written as 64 hex digits or base64 (e.g. `openssl rand -base64 32`)',
    );
    return null;
  }

  private shown(name: ConfigVariableName, value: string): string {
    if (VARIABLES.get(name)?.secret) return 'a value that is not shown';
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  }
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parsePolicy, PolicyError, type Policy } from '@engine/domain';
import { ConfigError } from '../config/config-error';

/** A support policy document as loaded: the parsed policy and the exact text it came from. */
export interface LoadedPolicy {
  readonly policy: Policy;
  readonly content: string;
  /** SHA-256 of `content` (hex): recorded with the version so a changed document is noticed. */
  readonly contentHash: string;
}

/**
 * Loads and validates the support policy at `path`. A missing file or an invalid document is a
 * ConfigError naming SUPPORT_POLICY, the file and, for the document, every field that is wrong.
 */
export function loadPolicyFile(path: string): LoadedPolicy {
  const fromCwd = relative(process.cwd(), path);
  const shown = fromCwd && !fromCwd.startsWith('..') ? fromCwd : path;
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = isMissingFile(error)
      ? `no support policy file at ${shown}`
      : `cannot read ${shown} (${error instanceof Error ? error.message : String(error)})`;
    throw new ConfigError([{ variable: 'SUPPORT_POLICY', reason }], { cause: error });
  }
  try {
    const policy = parsePolicy(content);
    return { policy, content, contentHash: createHash('sha256').update(content).digest('hex') };
  } catch (error) {
    if (error instanceof PolicyError) {
      const lines = error.issues.map(({ path: field, message }) => `\n  ${field}: ${message}`);
      const reason = `${shown} is not a valid support policy:${lines.join('')}`;
      throw new ConfigError([{ variable: 'SUPPORT_POLICY', reason }], { cause: error });
    }
    throw error;
  }
}

function isMissingFile(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

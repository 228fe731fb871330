import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/**
 * Problem types are identifiers, not pages: `https://incident-engine.dev/problems/<code>`.
 * The `code` member carries the same word for clients that switch on it.
 */
export const PROBLEM_TYPE_BASE = 'https://incident-engine.dev/problems/';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem document as the engine writes it: the standard members, `code`, details. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly [member: string]: unknown;
}

export interface HttpProblemOptions {
  /** Extra members of the problem document (e.g. `errors`, `nextAllowedAt`). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** Response headers that go with it (e.g. `WWW-Authenticate`, `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly title?: string;
}

const TITLES: Readonly<Record<string, string>> = {
  'malformed-json': 'Malformed JSON',
  'internal-error': 'Internal error',
};

/** `lead-not-trained` -> `Lead not trained`: one title per code, as RFC 9457 asks. */
export function titleOf(code: string): string {
  const known = TITLES[code];
  if (known) return known;
  const words = code.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** `413` -> `payload-too-large`; 500 is `internal-error`. */
export function codeOfStatus(status: number): string {
  if (status === 500) return 'internal-error';
  const phrase = STATUS_CODES[status] ?? (status >= 500 ? 'server error' : 'client error');
  return phrase
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

export function problemBody(
  status: number,
  code: string,
  detail: string,
  details: Readonly<Record<string, unknown>> = {},
  title = titleOf(code),
): ProblemBody {
  // Details first: a detail named like a standard member never replaces it.
  return { ...details, type: `${PROBLEM_TYPE_BASE}${code}`, title, status, detail, code };
}

/**
 * An HTTP answer that is a problem: throw it from a guard, an interceptor, a pipe or a handler and
 * the problem filter writes it as is. It is a Nest HttpException, so even without the filter
 * Nest answers with the right status and the problem document as the body.
 */
export class HttpProblem extends HttpException {
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ProblemBody;

  constructor(status: number, code: string, detail: string, options: HttpProblemOptions = {}) {
    const body = problemBody(status, code, detail, options.details, options.title);
    super(body, status);
    this.name = 'HttpProblem';
    this.code = code;
    this.body = body;
    this.headers = options.headers ?? {};
  }
}

/** One thing wrong with the engine's configuration: the variable (or file) and why. */
export interface ConfigIssue {
  readonly variable: string;
  readonly reason: string;
}

/**
 * The engine cannot start with this configuration. The message names every offending variable
 * and why, so start-up can print it as it is, without a stack trace.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(issues.map((issue) => `${issue.variable}: ${issue.reason}`).join('; '), options);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

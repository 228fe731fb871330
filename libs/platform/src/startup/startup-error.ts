/**
 * Something the engine needs is not there at start-up (a service not answering). Like a
 * ConfigError, its message is one sentence for the operator, printed without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/**
 * A rule of the support program refused a command. `code` is stable and public (problem+json
 * `code`); `details` carries what a caller needs to act (covered categories, next due time...).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** The aggregate does not exist (yet), or the caller may not know that it does. */
export class NotFoundError extends DomainError {
  constructor(message: string, code = 'not-found') {
    super(code, message);
    this.name = 'NotFoundError';
  }
}

/** The caller's role may not issue this command. */
export class ForbiddenError extends DomainError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'ForbiddenError';
  }
}

import type { ExpectedVersion } from './event-store.port';

/** Base of the store's errors; `code` is stable and public (problem+json `code`). */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

const describeExpected = (expected: ExpectedVersion): string =>
  typeof expected === 'bigint' ? `version ${expected}` : expected;

/** The stream is not at the version the writer expected (someone else wrote first). */
export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'wrong-expected-version';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** The stream's current version; 0n when it has no events. */
    readonly actual: bigint,
  ) {
    super(
      `stream ${streamId}: expected ${describeExpected(expected)}, but it is at version ${actual}`,
    );
    this.name = 'WrongExpectedVersionError';
  }
}

/**
 * An event id of the batch is already recorded but the batch is not a replay of what was recorded:
 * only part of the batch exists, or the id belongs to another stream, or carries other content.
 */
export class EventIdConflictError extends EventStoreError {
  readonly code = 'event-id-conflict';

  constructor(
    readonly streamId: string,
    readonly eventIds: readonly string[],
    /** Why the batch is not a replay, as the message ends. */
    readonly reason: string,
  ) {
    super(`stream ${streamId}: event id(s) ${eventIds.join(', ')} already recorded: ${reason}`);
    this.name = 'EventIdConflictError';
  }
}

/** The store cannot be reached or is overloaded (answer 503 and let the caller retry). */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'store-unavailable';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

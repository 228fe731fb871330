/**
 * Redis (the BullMQ queues) is not answering: what needs it right now (a reconcile, a webhook
 * replay, a queue board action) answers 503 `queue-unavailable` at once instead of waiting for it.
 * The event store stays the truth: commands never need Redis.
 */
export class QueueUnavailableError extends Error {
  readonly code = 'queue-unavailable';

  constructor(
    message = 'Redis (the job queues) is not answering; retry shortly.',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'QueueUnavailableError';
  }
}

const OFFLINE_MESSAGES = [
  "Stream isn't writeable",
  'enableOfflineQueue',
  'Connection is closed',
  'Reached the max retries per request limit',
];

/** Errors ioredis raises while its connection is down (no offline queue: it refuses at once). */
export function isRedisOffline(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Error).name === 'QueueUnavailableError') return true;
  const { message, code } = error as { message?: unknown; code?: unknown };
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT') return true;
  return typeof message === 'string' && OFFLINE_MESSAGES.some((text) => message.includes(text));
}

import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

export const INTAKE_SECRET = 'intake-test-secret';
export const LEAD_EMAIL = 'acme-lead@example.com';

/** A port nothing listens on right now (for SMTP_PORT). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A BullMQ prefix of this test run for every queue of the engine (the intake's, and the other
 * workers' the app also runs), so parallel test runs on the shared Redis never take each other's
 * jobs; `cleanup` deletes its keys.
 */
export function testQueues(): { env: Record<string, string>; cleanup(): Promise<void> } {
  const prefix = `test-intake-${randomUUID().slice(0, 8)}`;
  return {
    env: {
      INTAKE_QUEUE_PREFIX: prefix,
      TIMERS_QUEUE_PREFIX: prefix,
      WEBHOOK_QUEUE_PREFIX: prefix,
    },
    async cleanup() {
      const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (keys.length > 0) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** Polls until `probe` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

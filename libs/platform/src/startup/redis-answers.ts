import Redis from 'ioredis';
import { StartupError } from './startup-error';

/** The URL as it may be printed: without its password. */
export function redisUrlForDisplay(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}

/**
 * Fails start-up with one sentence when Redis does not answer PING within `timeoutMs`: every
 * timer and webhook needs it, and a process that starts without it would hang on its first job.
 */
export async function assertRedisAnswers(url: string, timeoutMs = 3000): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  // Reported below as one sentence; without a listener ioredis would log it as unhandled.
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([redis.connect().then(() => redis.ping()), timeout]);
  } catch (error) {
    throw new StartupError(
      `Redis is not answering at ${redisUrlForDisplay(url)}: start one (redis-server, or ` +
        'docker compose -f docker/compose.yml up -d redis) or set REDIS_URL.',
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}

import {
  createRedisClient,
  redisUrlForDisplay,
  type RedisSettings,
} from '../redis/redis-connection';
import { StartupError } from './startup-error';

/**
 * Fails start-up with one sentence when Redis does not answer PING within `timeoutMs`: every
 * timer and webhook needs it, and a process that starts without it would hang on its first job.
 * A cluster answers once it is ready (every slot served) and one of its nodes answers PING.
 */
export async function assertRedisAnswers(redis: RedisSettings, timeoutMs = 3000): Promise<void> {
  const client = createRedisClient(redis, 'probe', {
    retryStrategy: () => null,
    connectTimeout: timeoutMs,
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([client.connect().then(() => client.ping()), timeout]);
  } catch (error) {
    throw new StartupError(
      `Redis${redis.cluster ? ' Cluster' : ''} is not answering at ${redisUrlForDisplay(redis.url)}: start one (redis-server, or ` +
        'docker compose -f docker/compose.yml up -d redis) or set REDIS_URL.',
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

// Services for the test run: Redis and PostgreSQL must answer; where one does not but its server
// programs are installed, a throwaway instance is started for the run (see test-env.mjs cleanUp).
import {
  createDatabase,
  findPostgresPrograms,
  probePostgres,
  startPostgres,
} from './test-postgres.mjs';
import { probeRedis, startRedis } from './test-redis.mjs';
import { onPath, say, withoutPassword } from './test-env.mjs';

const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A service is down and the programs to start one are missing: what to install, one line each. */
export class ServicesMissing extends Error {
  constructor(lines) {
    super(lines.join('\n'));
  }
}

/**
 * Makes sure Redis (REDIS_URL) and PostgreSQL (DATABASE_URL) answer, starting throwaway ones
 * where needed; returns `env` with the URLs the tests must use.
 */
export async function ensureServices(env) {
  const redisUrl = env.REDIS_URL || DEFAULT_REDIS_URL;
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const [redis, postgres] = await Promise.all([probeRedis(redisUrl), probePostgres(databaseUrl)]);

  if (postgres !== 'up' && postgres !== 'down' && postgres !== 'no-database') {
    throw new Error(
      `PostgreSQL at ${withoutPassword(databaseUrl)} refused the connection: ${postgres}`,
    );
  }
  const redisServer = redis ? null : onPath('redis-server');
  const postgresPrograms = postgres === 'down' ? findPostgresPrograms() : null;
  const missing = [];
  if (!redis && !redisServer) {
    missing.push(
      `Redis is not answering at ${withoutPassword(redisUrl)} and redis-server is not installed: apt-get install redis-server`,
    );
  }
  if (postgres === 'down' && !postgresPrograms) {
    missing.push(
      `PostgreSQL is not answering at ${withoutPassword(databaseUrl)} and its server programs (initdb, pg_ctl) are not installed: apt-get install postgresql`,
    );
  }
  if (missing.length > 0) throw new ServicesMissing(missing);

  if (postgres === 'no-database') {
    await createDatabase(databaseUrl);
    say(`created the database of ${withoutPassword(databaseUrl)}`);
  }
  if (!redis) {
    say(`Redis is not answering at ${withoutPassword(redisUrl)}: starting a throwaway one`);
  }
  if (postgres === 'down') {
    say(`PostgreSQL is not answering at ${withoutPassword(databaseUrl)}: starting a throwaway one`);
  }
  const [finalRedisUrl, finalDatabaseUrl] = await Promise.all([
    redis ? redisUrl : startRedis(redisServer),
    postgres === 'down' ? startPostgres(postgresPrograms, databaseUrl) : databaseUrl,
  ]);
  return { ...env, REDIS_URL: finalRedisUrl, DATABASE_URL: finalDatabaseUrl };
}

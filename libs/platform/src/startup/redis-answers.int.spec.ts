import { createServer, type Server } from 'node:net';
import { redisUrlForDisplay } from '../redis/redis-connection';
import { assertRedisAnswers } from './redis-answers';
import { StartupError } from './startup-error';

const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

describe('assertRedisAnswers', () => {
  it('passes when Redis answers PING', async () => {
    await expect(assertRedisAnswers({ url: redisUrl })).resolves.toBeUndefined();
  });

  it('fails with one sentence when nothing listens', async () => {
    const error = await assertRedisAnswers({ url: 'redis://127.0.0.1:1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StartupError);
    expect((error as Error).message).toBe(
      'Redis is not answering at redis://127.0.0.1:1: start one (redis-server, or docker compose ' +
        '-f docker/compose.yml up -d redis) or set REDIS_URL.',
    );
  });

  it('gives up after the timeout when the server accepts but never answers', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    try {
      await expect(assertRedisAnswers({ url: `redis://127.0.0.1:${port}` }, 300)).rejects.toThrow(
        StartupError,
      );
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      silent.close();
    }
  });

  it('never prints the password', () => {
    expect(redisUrlForDisplay('redis://:hunter2@cache:6379')).toBe('redis://:***@cache:6379');
    expect(redisUrlForDisplay('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redisUrlForDisplay('redis://:hunter2@a:6379,redis://:hunter2@b:6379')).toBe(
      'redis://:***@a:6379,redis://:***@b:6379',
    );
  });
});

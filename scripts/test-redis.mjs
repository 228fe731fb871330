// Redis for the test run: a probe, and a throwaway redis-server when none answers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { freePort, onCleanup, say, tempDir, waitUntil } from './test-env.mjs';

export function probeRedis(url) {
  const target = new URL(url);
  const options = { host: target.hostname || '127.0.0.1', port: Number(target.port || 6379) };
  return new Promise((resolve) => {
    const socket =
      target.protocol === 'rediss:'
        ? tls.connect({ ...options, servername: options.host })
        : net.connect(options);
    const done = (answered) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1500, () => done(false));
    socket.once('error', () => done(false));
    socket.once(target.protocol === 'rediss:' ? 'secureConnect' : 'connect', () =>
      socket.write('PING\r\n'),
    );
    // `+PONG`, or an error such as `-NOAUTH`: either way a Redis server answers there.
    socket.once('data', (data) => done(/^[+-]/.test(data.toString())));
  });
}

export async function startRedis(redisServer) {
  const port = await freePort();
  const dir = tempDir('engine-test-redis-');
  const child = spawn(
    redisServer,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: ['ignore', fs.openSync(path.join(dir, 'redis.log'), 'w'), 'inherit'] },
  );
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  const url = `redis://127.0.0.1:${port}`;
  await waitUntil(() => probeRedis(url), `redis-server on port ${port}`, 15_000);
  say(`started a throwaway Redis at ${url} (${dir})`);
  return url;
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';

export interface ThrowawayRedis {
  readonly url: string;
  readonly port: number;
  /** A client of its own (FLUSHALL, INFO); it reconnects after a restart. */
  readonly client: Redis;
  /** Whether the server is running. */
  running(): boolean;
  /** Kills the server (SIGKILL: nothing is saved); the port stays this Redis's. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** Kills it for good and removes its directory. */
  stop(): Promise<void>;
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A redis-server on 127.0.0.1:`port` working in `dir`, keeping nothing on disk; `extra` flags. */
export const spawnRedisServer = (port: number, dir: string, extra: string[] = []): ChildProcess =>
  spawn(
    'redis-server',
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
      ...extra,
    ],
    { stdio: 'ignore' },
  );

/**
 * A redis-server of its own in a temporary directory, for tests that flush, stop or restart
 * Redis: the shared one at REDIS_URL serves every other test run on the machine. It keeps
 * nothing on disk, so a restart comes back empty.
 */
export async function startThrowawayRedis(): Promise<ThrowawayRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'throwaway-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    retryStrategy: () => 100,
  });
  client.on('error', () => undefined);

  const launch = async (): Promise<void> => {
    const server = spawnRedisServer(port, dir);
    child = server;
    const probe = new Redis(url, {
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    probe.on('error', () => undefined);
    const deadline = Date.now() + 10_000;
    try {
      for (;;) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (error) {
          probe.disconnect();
          if (Date.now() > deadline || server.exitCode !== null) throw error;
          await sleep(50);
        }
      }
    } finally {
      probe.disconnect();
    }
  };

  const kill = async (): Promise<void> => {
    const server = child;
    child = null;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  };

  try {
    await launch();
    await client.connect();
  } catch (error) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    port,
    client,
    running: () => child !== null && child.exitCode === null,
    kill,
    async restart() {
      await kill();
      await launch();
    },
    async stop() {
      client.disconnect();
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

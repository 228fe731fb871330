import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, spawnRedisServer } from './throwaway-redis';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface ThrowawayRedisCluster {
  /** The nodes' URLs, comma-separated: a REDIS_URL for REDIS_CLUSTER=true. */
  readonly url: string;
  readonly ports: readonly number[];
  /** `redis-cli -p <port> <args>` on one node (`-c`: following redirections); its output. */
  cli(port: number, ...args: string[]): Promise<string>;
  /** Kills every node and removes their directory. */
  stop(): Promise<void>;
}

/** Why a cluster cannot be started here (a program is missing), in one line; null when it can. */
export function redisClusterUnavailable(): string | null {
  const missing = ['redis-server', 'redis-cli'].filter(
    (program) => spawnSync(program, ['--version'], { stdio: 'ignore' }).error !== undefined,
  );
  return missing.length === 0
    ? null
    : `${missing.join(' and ')} not installed: apt-get install redis-server (it brings redis-cli)`;
}

/**
 * A Redis Cluster of three masters (no replicas) of its own in a temporary directory, on free
 * ports, for tests of the engine on a cluster. It keeps nothing on disk.
 */
export async function startThrowawayRedisCluster(): Promise<ThrowawayRedisCluster> {
  const unavailable = redisClusterUnavailable();
  if (unavailable) throw new Error(unavailable);
  const dir = mkdtempSync(join(tmpdir(), 'throwaway-redis-cluster-'));
  const ports: number[] = [];
  const servers: ChildProcess[] = [];
  const cli = async (port: number, ...args: string[]): Promise<string> =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout;

  const stop = async (): Promise<void> => {
    await Promise.all(
      servers.map(async (server) => {
        if (server.exitCode !== null || server.signalCode !== null) return;
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    while (ports.length < 3) {
      const port = await freePort();
      // The cluster bus listens on port + 10000: that one must be free too (and below 65536).
      if (port + 10_000 < 65_536 && !ports.includes(port)) ports.push(port);
    }
    for (const port of ports) {
      servers.push(
        spawnRedisServer(port, dir, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${port}.conf`),
        ]),
      );
    }
    await Promise.all(ports.map((port) => until(port, 'PONG', ['ping'])));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await Promise.all(ports.map((port) => until(port, 'cluster_state:ok', ['cluster', 'info'])));
  } catch (error) {
    await stop();
    throw error;
  }

  /** Polls `redis-cli <args>` on `port` until its output contains `expected` (10 s at most). */
  async function until(port: number, expected: string, args: string[]): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const output = await cli(port, ...args).catch(() => '');
      if (output.includes(expected)) return;
      if (Date.now() > deadline)
        throw new Error(`Redis Cluster node ${port}: no "${expected}" after 10 s (${output})`);
      await sleep(50);
    }
  }

  return {
    url: ports.map((port) => `redis://127.0.0.1:${port}`).join(','),
    ports,
    cli,
    stop,
  };
}

import { once } from 'node:events';
import { Cluster, Redis, type ClusterNode, type RedisOptions } from 'ioredis';

/**
 * Every Redis client of the engine is made here, from REDIS_URL and REDIS_CLUSTER: one node
 * (`new Redis`), or a Redis Cluster (`new Cluster`) whose seed nodes REDIS_URL lists.
 */

/** Where Redis is: REDIS_URL and REDIS_CLUSTER. */
export interface RedisSettings {
  /** One node's URL; on a cluster, one or more seed nodes, comma-separated. */
  readonly url: string;
  /** The URL names the seed nodes of a Redis Cluster. Default false. */
  readonly cluster?: boolean;
}

export interface RedisTarget extends RedisSettings {
  /** Key prefix of the queue (BullMQ `prefix`): a hash tag such as `{engine}` on Redis Cluster. */
  readonly prefix: string;
}

/** A client of one node or of a cluster: the commands are the same, keys of one slot apart. */
export type RedisClient = Redis | Cluster;

/**
 * `producer`: fails fast while Redis is away (no offline queue, one retry), so an HTTP request or a
 * feed batch fails and is retried, never hangs. `worker`: BullMQ's blocking reads need
 * `maxRetriesPerRequest: null`. `probe`: connects on first use, never queues, never retries.
 */
export type RedisRole = 'producer' | 'worker' | 'probe';

/** What a caller may tune beyond its role. */
export interface RedisTuning {
  /** Delay before reconnection attempt `n`; null: give up. Default: the client library's. */
  readonly retryStrategy?: (attempt: number) => number | null;
  /** Default 5 000 ms. */
  readonly connectTimeout?: number;
}

const CONNECT_TIMEOUT_MS = 5_000;

const ROLE_OPTIONS: Readonly<Record<RedisRole, RedisOptions>> = {
  producer: { enableOfflineQueue: false, maxRetriesPerRequest: 1 },
  worker: { maxRetriesPerRequest: null },
  probe: { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 },
};

/** The URLs of REDIS_URL: one, or the comma-separated seed nodes of a cluster. */
export function redisNodeUrls(url: string): string[] {
  return url
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

/**
 * The hash tag of a key or key prefix as Redis Cluster reads it: what lies between the first `{`
 * and the first `}` after it, when that is not empty; null when the key has none.
 */
export function redisHashTag(key: string): string | null {
  const open = key.indexOf('{');
  if (open < 0) return null;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : null;
}

/** The URL as it may be printed: without its password (each one of a list). */
export function redisUrlForDisplay(url: string): string {
  return url
    .split(',')
    .map((part) => {
      try {
        const parsed = new URL(part.trim());
        if (parsed.password) parsed.password = '***';
        return parsed.toString().replace(/\/$/, '');
      } catch {
        return part.includes('@') ? '(a URL that is not shown)' : part.trim();
      }
    })
    .join(',');
}

/** One node's connection options: host, port, credentials, db, TLS (`rediss:`), connect timeout. */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? { servername: parsed.hostname } : undefined,
    connectTimeout: CONNECT_TIMEOUT_MS,
  };
}

/** A producer's options for one node (see RedisRole). */
export const producerConnection = (url: string): RedisOptions => ({
  ...redisOptions(url),
  ...ROLE_OPTIONS.producer,
});

/** A worker's options for one node (see RedisRole). */
export const workerConnection = (url: string): RedisOptions => ({
  ...redisOptions(url),
  ...ROLE_OPTIONS.worker,
});

const nodeOptions = (url: string, role: RedisRole, tuning: RedisTuning): RedisOptions => ({
  ...redisOptions(url),
  ...ROLE_OPTIONS[role],
  ...(tuning.connectTimeout !== undefined ? { connectTimeout: tuning.connectTimeout } : {}),
  ...(tuning.retryStrategy ? { retryStrategy: tuning.retryStrategy } : {}),
});

/**
 * A cluster client. The offline queue, the ready check and reconnection are the cluster's (each
 * node's connection never reconnects by itself: the cluster refreshes its slots instead); the
 * credentials, the timeouts and TLS go to every node under `redisOptions`. With TLS, node
 * addresses are used as given, so that certificates are checked against the names.
 */
function clusterClient(settings: RedisSettings, role: RedisRole, tuning: RedisTuning): Cluster {
  const urls = redisNodeUrls(settings.url);
  if (urls.length === 0) throw new Error('REDIS_URL names no Redis Cluster node');
  const nodes: ClusterNode[] = urls.map((url) => {
    const { host, port } = redisOptions(url);
    return { host, port };
  });
  const {
    host: _host,
    port: _port,
    db: _db,
    tls,
    lazyConnect,
    enableOfflineQueue,
    retryStrategy,
    ...perNode
  } = nodeOptions(urls[0] as string, role, tuning);
  return new Cluster(nodes, {
    lazyConnect: lazyConnect ?? false,
    enableOfflineQueue: enableOfflineQueue ?? true,
    ...(retryStrategy ? { clusterRetryStrategy: (times) => retryStrategy(times) ?? null } : {}),
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
    redisOptions: { ...perNode, ...(tls ? { tls: {} } : {}) },
  });
}

/**
 * A client in `role`, of one node or of the cluster. Its `error` events are heard (and dropped):
 * what fails is reported by the commands that fail, and an unheard error would crash the process.
 */
export function createRedisClient(
  settings: RedisSettings,
  role: RedisRole,
  tuning: RedisTuning = {},
): RedisClient {
  const client = settings.cluster
    ? clusterClient(settings, role, tuning)
    : new Redis(nodeOptions(settings.url, role, tuning));
  client.on('error', () => undefined);
  return client;
}

/**
 * What a BullMQ queue or worker is given (spread into its options), and what to end after it
 * closed.
 *
 * One node: connection options. BullMQ then makes and owns its connections and ends them on
 * close: a shared ioredis instance ended by us while BullMQ still waits for it to be ready makes
 * BullMQ emit an error nobody listens to any more, which crashes the process.
 *
 * A cluster: BullMQ makes no cluster client from options (it would connect to one node), so it
 * gets a cluster client of its own, which it treats as shared (a worker duplicates it for its
 * blocking connection, and owns that one). That client is ended by `end()`. So that ending it
 * can never cut a BullMQ start-up handshake short, there is none: BullMQ neither waits for it to
 * be ready nor asks for the server version (commands wait for the cluster, or fail fast for a
 * producer; `ready()` waits, bounded).
 */
export interface BullmqConnection {
  readonly options: {
    readonly connection: RedisOptions | Cluster;
    readonly skipWaitingForReady?: boolean;
    readonly skipVersionCheck?: boolean;
  };
  /** The cluster client BullMQ was given; null on one node. */
  readonly cluster: Cluster | null;
  /** Ends the cluster client (after the queue or worker closed); nothing on one node. */
  end(): void;
}

export function bullmqConnection(
  settings: RedisSettings,
  role: 'producer' | 'worker',
): BullmqConnection {
  if (!settings.cluster) {
    const url = redisNodeUrls(settings.url)[0] ?? settings.url;
    return {
      options: {
        connection: role === 'producer' ? producerConnection(url) : workerConnection(url),
      },
      cluster: null,
      end: () => undefined,
    };
  }
  const cluster = createRedisClient(settings, role) as Cluster;
  let ended = false;
  return {
    options: { connection: cluster, skipWaitingForReady: true, skipVersionCheck: true },
    cluster,
    end: () => {
      if (ended) return;
      ended = true;
      cluster.disconnect();
    },
  };
}

/**
 * Waits (up to `ms`) for a connection still being made, as at start-up; a client that is not
 * connecting (lost, closed) is not waited for. True when the client is ready.
 */
export async function connectedWithin(client: RedisClient, ms: number): Promise<boolean> {
  if (client.status === 'ready') return true;
  if (!['wait', 'connecting', 'connect'].includes(client.status)) return false;
  const waiting = new AbortController();
  const timer = setTimeout(() => waiting.abort(), ms);
  const ready = await once(client, 'ready', { signal: waiting.signal }).then(
    () => true,
    () => false, // a connection error while waiting, or no connection in time
  );
  clearTimeout(timer);
  return ready;
}

/** The value of `work` if it resolves within `ms`; undefined when it rejects or takes longer. */
export async function valueWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Whether Redis answers a PING on this client within `ms`. A cluster must also be ready (every
 * slot served, as its ready check found); its PING goes to one node.
 */
export async function answers(client: Promise<object>, ms = 1_000): Promise<boolean> {
  const pong = client.then((c) => {
    const redis = c as { status?: string; isCluster?: boolean; ping(): Promise<string> };
    if (redis.isCluster && redis.status !== 'ready') throw new Error('cluster not ready');
    return redis.ping();
  });
  return (await valueWithin(pong, ms)) === 'PONG';
}

/** Resolves when `work` settles or after `ms`, whichever comes first; true when it settled. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true).catch(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The Redis settings of the engine's configuration. */
export const redisSettingsOf = (config: {
  readonly redisUrl: string;
  readonly redisCluster: boolean;
}): RedisSettings => ({ url: config.redisUrl, cluster: config.redisCluster });

/**
 * `maxStalledCount` of every BullMQ worker of the engine. A job in flight in a worker that died
 * (kill -9, a lost node) goes back to its queue once its lock expires; BullMQ gives such a job up
 * (moves it to failed, without running it) after this many recoveries, by default 1, so a job
 * caught in flight by two crashes in a row would be lost. The engine's jobs are idempotent (timers,
 * webhook deliveries, notification emails), so they are recovered far more often than any
 * deployment crashes in a row.
 */
export const STALLED_JOB_RECOVERIES = 100;

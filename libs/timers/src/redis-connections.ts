import type { RedisOptions } from 'ioredis';

export interface RedisTarget {
  readonly url: string;
  /** Key prefix of the queue (BullMQ `prefix`): a hash tag such as `{engine}` on Redis Cluster. */
  readonly prefix: string;
}

/**
 * Connection options for BullMQ, which then owns (and on close, ends) its connections: a shared
 * ioredis instance ended by us while BullMQ still waits for it to be ready makes BullMQ emit an
 * error nobody listens to any more, which crashes the process.
 */
export function redisOptions(url: string): RedisOptions {
  const parsed = new URL(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    tls: parsed.protocol === 'rediss:' ? { servername: parsed.hostname } : undefined,
    connectTimeout: 5_000,
  };
}

/**
 * A producer's connection: with Redis down, a command fails at once instead of queueing forever
 * (so an HTTP request or a feed batch fails fast and is retried, never hangs).
 */
export const producerConnection = (url: string): RedisOptions => ({
  ...redisOptions(url),
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
});

/** A worker's connection: BullMQ's blocking reads need `maxRetriesPerRequest: null`. */
export const workerConnection = (url: string): RedisOptions => ({
  ...redisOptions(url),
  maxRetriesPerRequest: null,
});

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

/** Whether Redis answers a PING on this (ioredis) client within `ms`. */
export async function answers(client: Promise<object>, ms = 1_000): Promise<boolean> {
  const pong = client.then((c) => (c as { ping(): Promise<string> }).ping());
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

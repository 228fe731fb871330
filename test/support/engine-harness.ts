import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import Redis from 'ioredis';
import { SignJWT } from 'jose';
import type { Logger } from 'pino';
import { Client } from 'pg';
import type { Role } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import { EVENT_STORE, loadEngineStartup, type EngineStartup } from '@engine/platform';
import { createEngineApp } from '../../apps/api/src/engine-app';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256!!';
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface EngineHarness {
  readonly url: string;
  readonly app: INestApplication;
  readonly store: EventStore;
  /** The settings the app was started with (a worker program can be started on the same ones). */
  readonly startup: EngineStartup;
  token(role: Role, options?: { sub?: string; org?: string }): Promise<string>;
  /** fetch with a bearer token and JSON; returns status, headers and the parsed body. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

/** A bearer token (HS256, one hour) for a role, as the identity provider would issue it. */
export function signTestToken(
  key: Uint8Array,
  role: Role,
  options: { sub?: string; org?: string } = {},
): Promise<string> {
  const claims: Record<string, string> = { role };
  if (options.org) claims.org = options.org;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(options.sub ?? `${role}-1`)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);
}

/** Deletes every Redis key under a queue prefix (a test's own BullMQ queues). */
export async function dropPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  redis.on('error', () => undefined); // a test whose Redis is gone has nothing to clean
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** A throwaway PostgreSQL database on the test server; dropped by `drop()`. */
async function throwawayDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `e2e_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const admin = new Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/**
 * The real engine app (the same setup as `npm start`) on an ephemeral port, on a fresh SQLite file
 * or a fresh PostgreSQL database, with the real Redis.
 */
export async function startEngine(
  kind: StoreKind,
  env: Record<string, string> = {},
  options: { readonly logger?: Logger } = {},
): Promise<EngineHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'engine-e2e-'));
  const database = kind === 'postgres' ? await throwawayDatabase() : null;
  // Each engine's queues live under a prefix of their own, deleted on close: no job of one test
  // ever fires in another, and the shared Redis is left as it was found.
  const queuePrefix = `test-${randomUUID().slice(0, 8)}`;
  const redisUrl = env.REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const startup = loadEngineStartup({
    TIMERS_QUEUE_PREFIX: queuePrefix,
    WEBHOOK_QUEUE_PREFIX: queuePrefix,
    INTAKE_QUEUE_PREFIX: queuePrefix,
    EVENT_STORE: kind,
    SQLITE_PATH: join(dir, 'engine.sqlite'),
    ...(database ? { DATABASE_URL: database.url } : {}),
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SUPPORT_POLICY: join(__dirname, '../../policy/almacare.yaml'),
    AUTH_JWT_SECRET: SECRET,
    // Quiet test output: tests that provoke 5xx answers would print their JSON log lines.
    LOG_LEVEL: 'fatal',
    ...env,
  });
  const app = await createEngineApp(
    options.logger ? { ...startup, logger: options.logger } : startup,
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const key = new TextEncoder().encode(SECRET);
  const harness: EngineHarness = {
    url,
    app,
    store: app.get<EventStore>(EVENT_STORE),
    startup,
    token: (role, options) => signTestToken(key, role, options),
    async call(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.body);
      } else if (options.raw !== undefined && !headers['content-type'])
        headers['content-type'] = 'application/json';
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await app.close();
      await database?.drop();
      await dropPrefix(redisUrl, env.TIMERS_QUEUE_PREFIX ?? queuePrefix).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

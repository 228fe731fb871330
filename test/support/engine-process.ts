import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { Role } from '@engine/domain';
import { dropPrefix, signTestToken } from './engine-harness';
import { freePort } from './throwaway-redis';

/**
 * The engine's programs as real processes (`node -r scripts/register-ts.cjs apps/.../main.ts`, no build
 * step), for tests that signal, kill -9 or starve them. Every child is tracked: `killEngineProcesses`
 * (in afterAll) kills whatever is still running, even after a failed test.
 */

const ROOT = resolve(__dirname, '../..');
const REGISTER = join(ROOT, 'scripts/register-ts.cjs');
const MAIN = { api: 'apps/api/src/main.ts', worker: 'apps/worker/src/main.ts' } as const;
const SECRET = 'fault-tests-secret-that-is-long-enough-for-hs256';
const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Output kept per process (the end of it). */
const KEEP_OUTPUT = 2_000_000;

export type ProgramRole = keyof typeof MAIN;

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface EngineProcess {
  readonly role: ProgramRole;
  readonly pid: number;
  /** The API's base URL (its PORT); null for a worker. */
  readonly url: string | null;
  /** Standard output and error, interleaved. */
  output(): string;
  /** Standard error alone (pino logs go to standard output). */
  errors(): string;
  running(): boolean;
  readonly exited: Promise<Exit>;
  /** Sends the signal and waits for the exit; `ms` from the signal to the exit. */
  terminate(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit & { ms: number }>;
  /** kill -9, and waits for it to be gone. */
  kill9(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** kill -9 of every engine process a test started and that still runs. */
export async function killEngineProcesses(): Promise<void> {
  await Promise.all(
    [...live].map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }),
  );
  live.clear();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts one program with `env` (added to this process's). An API is returned once it listens. */
export async function spawnEngine(
  role: ProgramRole,
  env: Record<string, string>,
  options: { readyTimeoutMs?: number } = {},
): Promise<EngineProcess> {
  const port = role === 'api' ? String(await freePort()) : '0';
  const child = spawn(process.execPath, ['-r', REGISTER, MAIN[role]], {
    cwd: ROOT,
    // No worker metrics listener unless a test asks: several workers would share its port.
    // A worker says when it has started (an info line): that is how spawnEngine waits for it.
    env: {
      ...process.env,
      WORKER_METRICS_PORT: '0',
      ...env,
      PORT: port,
      ...(role === 'worker' ? { LOG_LEVEL: 'info' } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  let errors = '';
  const keep = (text: string, chunk: Buffer) => (text + chunk.toString()).slice(-KEEP_OUTPUT);
  child.stdout!.on('data', (chunk: Buffer) => (output = keep(output, chunk)));
  child.stderr!.on('data', (chunk: Buffer) => {
    output = keep(output, chunk);
    errors = keep(errors, chunk);
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  const url = role === 'api' ? `http://127.0.0.1:${port}` : null;
  const engine: EngineProcess = {
    role,
    pid: child.pid!,
    url,
    output: () => output,
    errors: () => errors,
    running,
    exited,
    async terminate(signal = 'SIGTERM', timeoutMs = 20_000) {
      const started = Date.now();
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>(
        (resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)),
      );
      const exit = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (!exit) {
        child.kill('SIGKILL');
        throw new Error(`${role} ${child.pid} did not exit within ${timeoutMs} ms of ${signal}`);
      }
      return { ...exit, ms: Date.now() - started };
    },
    async kill9() {
      if (!running()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  if (!url) {
    await eventually(
      () => (/Worker started/.test(output) ? true : running() ? undefined : false),
      options.readyTimeoutMs ?? 60_000,
      () => `the worker to start:\n${output.slice(-4_000)}`,
    );
    if (!running()) throw new Error(`worker exited at start-up:\n${output.slice(-4_000)}`);
  }
  if (url) {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (!running()) throw new Error(`api exited before listening:\n${output.slice(-4_000)}`);
      const live = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(1_000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (live) break;
      if (Date.now() > deadline) {
        await engine.kill9();
        throw new Error(`api did not listen in time:\n${output.slice(-4_000)}`);
      }
      await sleep(100);
    }
  }
  return engine;
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  /** From sending the request to the whole answer. */
  readonly ms: number;
}

/** One HTTP request (JSON), bounded by `timeoutMs`; a network failure is status 0. */
export async function call(
  url: string,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    timeoutMs?: number;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const started = Date.now();
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: response.status, headers: response.headers, body, ms: Date.now() - started };
  } catch (error) {
    return { status: 0, headers: new Headers(), body: String(error), ms: Date.now() - started };
  }
}

export interface EngineDeployment {
  /** What every program of this deployment is started with. */
  readonly env: Record<string, string>;
  readonly databaseUrl: string | null;
  readonly prefix: string;
  token(role: Role, options?: { sub?: string; org?: string }): Promise<string>;
  /** Drops its queue keys, database and files (kill the processes first). */
  dispose(): Promise<void>;
}

/**
 * The settings of one deployment of the engine for process tests: a throwaway PostgreSQL
 * database (or SQLite file), queue prefixes of its own, the given policy document and Redis.
 */
export async function engineDeployment(options: {
  readonly store: 'sqlite' | 'postgres';
  readonly redisUrl: string;
  /** The support policy document (YAML); the shipped one by default. */
  readonly policy?: string;
  readonly env?: Record<string, string>;
}): Promise<EngineDeployment> {
  const dir = mkdtempSync(join(tmpdir(), 'engine-process-'));
  const prefix = `proc-${randomBytes(5).toString('hex')}`;
  let databaseUrl: string | null = null;
  let databaseName: string | null = null;
  if (options.store === 'postgres') {
    databaseName = `proc_${randomBytes(6).toString('hex')}`;
    await onServer(`CREATE DATABASE ${databaseName}`);
    const url = new URL(BASE_DATABASE_URL);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
  }
  let policyPath = join(ROOT, 'policy/almacare.yaml');
  if (options.policy) {
    policyPath = join(dir, 'policy.yaml');
    writeFileSync(policyPath, options.policy);
  }
  const env: Record<string, string> = {
    EVENT_STORE: options.store,
    SQLITE_PATH: join(dir, 'engine.sqlite'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    REDIS_URL: options.redisUrl,
    TIMERS_QUEUE_PREFIX: prefix,
    WEBHOOK_QUEUE_PREFIX: prefix,
    INTAKE_QUEUE_PREFIX: prefix,
    SUPPORT_POLICY: policyPath,
    AUTH_JWT_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    WEBHOOK_SECRET_KEY: randomBytes(32).toString('hex'),
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    ...options.env,
  };
  const key = new TextEncoder().encode(SECRET);
  return {
    env,
    databaseUrl,
    prefix,
    token: (role, claims) => signTestToken(key, role, claims),
    async dispose() {
      // A Redis that is already gone (a throwaway one, stopped) has nothing left to clean.
      await dropPrefix(options.redisUrl, prefix).catch(() => undefined);
      if (databaseName) await onServer(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function onServer(statement: string): Promise<void> {
  const admin = new Client({ connectionString: BASE_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

/**
 * Ends the connections of the API/worker processes to their own database (never another
 * database's): `pg_terminate_backend` for the backends whose `datname` is this deployment's.
 * Returns how many were ended.
 */
export async function terminateBackends(databaseUrl: string): Promise<number> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^proc_[0-9a-f]+$/.test(name)) throw new Error(`not a process-test database: ${name}`);
  const admin = new Client({ connectionString: BASE_DATABASE_URL });
  await admin.connect();
  try {
    const result = await admin.query(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity ' +
        'WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    return Number(result.rows[0].n);
  } finally {
    await admin.end();
  }
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  what: string | (() => string),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`,
      );
    await sleep(100);
  }
}

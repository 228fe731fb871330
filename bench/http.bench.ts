import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
// Relative imports (not the @engine aliases) so that any TypeScript runner can load this file.
import { createEventStore } from '../libs/event-store/src/event-store.factory';
import type { EventStore, NewEvent } from '../libs/event-store/src/event-store.port';
import { createTestDatabase } from '../libs/event-store/src/postgres-event-store.test-database';
import type { HttpServerReady } from './http-server';

export interface HttpBenchRow {
  readonly name: string;
  readonly store?: 'sqlite' | 'postgres';
  readonly value: number;
  readonly unit: string;
  readonly target?: { readonly min?: number; readonly max?: number };
  readonly note?: string;
}

type Store = 'sqlite' | 'postgres';

/** Concurrent connections (HTTP) and concurrent writers (raw store). */
const CONNECTIONS = Number(process.env.HTTP_BENCH_CONNECTIONS ?? 32);
/** How long each figure is measured, after a warm-up of WARMUP_MS under the same load. */
const MEASURE_MS = Number(process.env.HTTP_BENCH_MS ?? 10_000);
const WARMUP_MS = Number(process.env.HTTP_BENCH_WARMUP_MS ?? 2_000);
/** A duration as autocannon runs it: whole seconds, at least one. */
const wholeSeconds = (ms: number): number => Math.max(1_000, Math.round(ms / 1_000) * 1_000);
/**
 * The engine's window and the bare route's are each cut into this many slices, taken in turns
 * (bare, engine, bare, engine...), so that both see the machine as it is during the same minute.
 * Each slice lasts whole seconds, at least one: autocannon runs for whole seconds.
 */
const ROUNDS = Math.max(1, Number(process.env.HTTP_BENCH_ROUNDS ?? 5));
/**
 * Each slice opens its connections anew and follows the other server's slice: its first moments
 * are a start (32 requests at once on fresh connections, up to 120 ms on PostgreSQL), not the
 * steady load. So each slice comes after this much of the same load, not counted (0: none;
 * whole seconds, as the slices).
 */
const SLICE_WARMUP_SETTING = Number(process.env.HTTP_BENCH_SLICE_WARMUP_MS ?? 1_000);
const SLICE_WARMUP_MS = SLICE_WARMUP_SETTING > 0 ? wholeSeconds(SLICE_WARMUP_SETTING) : 0;
/** Only these stores (comma-separated); default both. */
const STORES = (process.env.HTTP_BENCH_STORES ?? 'sqlite,postgres')
  .split(',')
  .filter((store): store is Store => store === 'sqlite' || store === 'postgres');
/** Where the server processes write V8 CPU profiles (`--cpu-prof`); unset: no profiling. */
const CPU_PROF_DIR = process.env.HTTP_BENCH_CPU_PROF_DIR;

const TARGET_RATE: Record<Store, number> = { sqlite: 2_000, postgres: 1_000 };
const TARGET_P99_MS = 50;
const TARGET_BARE_RATIO = 0.4;

const COMMAND = 'POST /incidents/:id/responses';
const MESSAGE = JSON.stringify({ message: 'We are looking into it; next update within the hour.' });

interface Server {
  readonly ready: HttpServerReady;
  close(): Promise<void>;
}

/** Forks bench/http-server.ts for `target` and waits until it listens. */
function startServer(target: 'nest' | Store): Promise<Server> {
  const execArgv = ['-r', join(__dirname, '..', 'scripts', 'register-ts.cjs')];
  if (CPU_PROF_DIR) execArgv.push('--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`);
  const child: ChildProcess = fork(join(__dirname, 'http-server.ts'), [target], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${target} server did not start within 120 s`));
    }, 120_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${target} server exited with ${signal ?? `code ${code}`} before listening`),
      );
    });
    child.on('message', (message: { ready?: HttpServerReady; error?: string }) => {
      clearTimeout(timer);
      if (message.error) {
        reject(new Error(`${target} server: ${message.error}`));
        return;
      }
      if (!message.ready) return;
      resolve({
        ready: message.ready,
        async close() {
          child.send('close');
          const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
          await exited;
          clearTimeout(killer);
        },
      });
    });
  });
}

interface LoadResult {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly requests: number;
}

/** One autocannon run: its counts, its length and every response's latency (ms). */
interface Window {
  readonly ms: number;
  readonly requests: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly latencies: number[];
}

/** A server under load: its URL, the path and headers of its requests and how each is shaped. */
interface Target {
  readonly url: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly setup: (request: autocannon.Request) => void;
}

/** Runs autocannon on `target` for `ms` with CONNECTIONS connections. */
function load(target: Target, ms: number): Promise<Window> {
  return new Promise((resolve, reject) => {
    const latencies: number[] = [];
    const instance = autocannon(
      {
        url: target.url,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: ms / 1000,
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: target.path,
            headers: target.headers,
            body: MESSAGE,
            setupRequest: (request: autocannon.Request) => {
              target.setup(request);
              return request;
            },
          },
        ],
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          // autocannon counts its duration in whole seconds: the window's real length.
          ms: result.duration * 1000,
          requests: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors + result.timeouts,
          latencies,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, responseTime: number) => {
      latencies.push(responseTime);
    });
  });
}

/** Windows taken apart, counted as one: the rate over their summed length, exact percentiles. */
function combine(windows: readonly Window[]): LoadResult {
  const latencies = windows.flatMap((window) => window.latencies).sort((a, b) => a - b);
  const at = (share: number) =>
    latencies.length === 0
      ? 0
      : latencies[Math.min(latencies.length - 1, Math.ceil(share * latencies.length) - 1)];
  const sum = (pick: (window: Window) => number) =>
    windows.reduce((total, window) => total + pick(window), 0);
  const requests = sum((window) => window.requests);
  return {
    rate: requests / (sum((window) => window.ms) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    max: latencies.at(-1) ?? 0,
    non2xx: sum((window) => window.non2xx),
    errors: sum((window) => window.errors),
    requests,
  };
}

/**
 * Warm-up of both (not counted), then MEASURE_MS of each in ROUNDS slices taken in turns, each
 * after SLICE_WARMUP_MS of its own (not counted): the bare route's slice, then the engine's, and
 * again, so that a machine whose speed changes during the run (other tenants of the host) moves
 * both figures alike.
 */
async function measureInTurns(
  bare: Target,
  engine: Target,
): Promise<{ bare: LoadResult; engine: LoadResult }> {
  if (WARMUP_MS > 0) {
    await load(bare, WARMUP_MS);
    await load(engine, WARMUP_MS);
  }
  const slice = wholeSeconds(MEASURE_MS / ROUNDS);
  const bareWindows: Window[] = [];
  const engineWindows: Window[] = [];
  const measured = async (target: Target): Promise<Window> => {
    if (SLICE_WARMUP_MS > 0) await load(target, SLICE_WARMUP_MS);
    return load(target, slice);
  };
  for (let round = 0; round < ROUNDS; round += 1) {
    bareWindows.push(await measured(bare));
    engineWindows.push(await measured(engine));
  }
  return { bare: combine(bareWindows), engine: combine(engineWindows) };
}

interface EngineResult {
  /** The bare NestJS route, measured in turns with the engine. */
  readonly bare: LoadResult;
  readonly plain: LoadResult;
  /** The same load, every request with a unique Idempotency-Key (stored with its answer). */
  readonly keyed: LoadResult;
  readonly worker: string;
}

/** The engine on `store` and a bare NestJS app, both started, measured in turns. */
async function measureEngine(store: Store): Promise<EngineResult> {
  const bareServer = await startServer('nest');
  try {
    const server = await startServer(store);
    try {
      const { url, token, incidentIds = [], worker = 'in-process' } = server.ready;
      let next = 0;
      // Request n goes to incident n mod N: with N far above the connection count, no two
      // requests in flight touch one incident, so no command waits on or retries after another.
      const setup =
        (keyed: boolean) =>
        (request: autocannon.Request): void => {
          const id = incidentIds[next % incidentIds.length];
          next += 1;
          request.path = `/incidents/${id}/responses`;
          if (keyed) request.headers = { ...request.headers, 'idempotency-key': randomUUID() };
        };
      const engine: Target = {
        url,
        path: `/incidents/${incidentIds[0]}/responses`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        setup: setup(false),
      };
      const bare: Target = {
        url: bareServer.ready.url,
        path: '/bare',
        headers: { 'content-type': 'application/json' },
        setup: () => undefined,
      };
      const measured = await measureInTurns(bare, engine);
      const keyed = combine([await load({ ...engine, setup: setup(true) }, MEASURE_MS)]);
      return { bare: measured.bare, plain: measured.engine, keyed, worker };
    } finally {
      await server.close();
    }
  } finally {
    await bareServer.close();
  }
}

const appendEvent = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'incident.responded',
  data: { message: 'We are looking into it; next update within the hour.', n },
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: { id: 'engineer-1', role: 'engineer' },
    correlationId: randomUUID(),
    causationId: null,
  },
});

/**
 * The store's own ceiling: CONNECTIONS concurrent writers, each appending one event per call with
 * the exact expected version to streams of its own (as the HTTP case spreads commands over
 * incidents), in this process, without HTTP. Returns appends per second.
 */
async function rawAppendRate(store: EventStore, ms: number): Promise<number> {
  const streamsPerWriter = 16;
  const run = randomUUID().slice(0, 8);
  const deadline = Date.now() + ms;
  let appends = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, writer) => {
      const versions = new Array<bigint>(streamsPerWriter).fill(0n);
      for (let i = 0; Date.now() < deadline; i += 1) {
        const stream = i % streamsPerWriter;
        const { nextVersion } = await store.append(
          `incident-${run}-${writer}-${stream}`,
          [appendEvent(i)],
          versions[stream],
        );
        versions[stream] = nextVersion;
        appends += 1;
      }
    }),
  );
  return appends / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function measureRawStore(kind: Store): Promise<number> {
  const once = async (store: EventStore) => {
    await rawAppendRate(store, Math.min(WARMUP_MS, 1_000));
    return rawAppendRate(store, MEASURE_MS);
  };
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'http-bench-'));
    try {
      const store = await createEventStore({ kind, sqlitePath: join(dir, 'events.sqlite') });
      try {
        return await once(store);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const database = await createTestDatabase('http_bench');
  try {
    const store = await createEventStore({ kind, databaseUrl: database.url });
    try {
      return await once(store);
    } finally {
      await store.close();
    }
  } finally {
    await database.drop();
  }
}

const ms = (value: number) => Math.round(value * 10) / 10;
const ratio = (value: number) => Math.round(value * 100) / 100;

/**
 * HTTP command throughput and latency end to end (request to appended event and answer) on the
 * real engine, SQLite and PostgreSQL, beside its two ceilings: a bare NestJS route under the same
 * load and the store's raw append rate at the same concurrency. Servers run in child processes;
 * autocannon (this process) shares the machine's cores with them.
 */
export async function runHttpBench(): Promise<HttpBenchRow[]> {
  const sliceWarmup =
    SLICE_WARMUP_MS > 0 ? `, each after ${SLICE_WARMUP_MS / 1000} s not counted` : '';
  const settings = `${CONNECTIONS} connections, ${MEASURE_MS / 1000} s (${ROUNDS} slices in turns with the bare route${sliceWarmup}) after ${WARMUP_MS / 1000} s warm-up`;
  const rows: HttpBenchRow[] = [];
  for (const store of STORES) {
    const raw = await measureRawStore(store);
    const { bare, plain: result, keyed, worker } = await measureEngine(store);
    const failed = result.non2xx + result.errors;
    const keyedFailed = keyed.non2xx + keyed.errors;
    const note = `${COMMAND}, ${settings}, ${worker === 'separate' ? 'API without its worker (RUN_WORKER=false)' : 'worker in the API process'}${failed > 0 ? `; ${failed} of ${result.requests} requests FAILED (${result.non2xx} non-2xx, ${result.errors} errors or timeouts)` : ''}`;
    rows.push(
      {
        name: 'bare NestJS POST route, in turns with the engine',
        store,
        value: Math.round(bare.rate),
        unit: 'req/s',
        note: `${settings}; p99 ${ms(bare.p99)} ms; ${bare.non2xx + bare.errors} failed`,
      },
      {
        name: 'HTTP command rate',
        store,
        value: Math.round(result.rate),
        unit: 'req/s',
        target: { min: TARGET_RATE[store] },
        note,
      },
      { name: 'HTTP command latency p50', store, value: ms(result.p50), unit: 'ms' },
      {
        name: 'HTTP command latency p99',
        store,
        value: ms(result.p99),
        unit: 'ms',
        target: { max: TARGET_P99_MS },
      },
      { name: 'HTTP command latency max', store, value: ms(result.max), unit: 'ms' },
      {
        name: 'HTTP command failures (non-2xx, errors, timeouts)',
        store,
        value: failed,
        unit: 'requests',
        target: { max: 0 },
      },
      {
        name: 'HTTP command rate, unique Idempotency-Key each',
        store,
        value: Math.round(keyed.rate),
        unit: 'req/s',
        target: { min: TARGET_RATE[store] },
        note: `${MEASURE_MS / 1000} s right after the figures above; p50 ${ms(keyed.p50)} ms, max ${ms(keyed.max)} ms${keyedFailed > 0 ? `; ${keyedFailed} of ${keyed.requests} requests FAILED` : ''}`,
      },
      {
        name: 'HTTP command latency p99, unique Idempotency-Key each',
        store,
        value: ms(keyed.p99),
        unit: 'ms',
        target: { max: TARGET_P99_MS },
      },
      {
        name: 'HTTP command failures, unique Idempotency-Key each',
        store,
        value: keyedFailed,
        unit: 'requests',
        target: { max: 0 },
      },
      {
        name: 'raw store append rate (same concurrency, no HTTP)',
        store,
        value: Math.round(raw),
        unit: 'appends/s',
        note: `${CONNECTIONS} writers, 1 event per call`,
      },
      {
        name: 'HTTP command rate / bare NestJS route',
        store,
        value: ratio(result.rate / bare.rate),
        unit: 'ratio',
        target: { min: TARGET_BARE_RATIO },
      },
      {
        name: 'HTTP command rate / raw store append rate',
        store,
        value: ratio(result.rate / raw),
        unit: 'ratio',
      },
    );
  }
  return rows;
}

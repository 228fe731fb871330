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
  const execArgv = ['-r', join(__dirname, 'register.cjs')];
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

/** Runs autocannon for `ms` with CONNECTIONS connections; `setup` shapes every request. */
async function load(
  url: string,
  ms: number,
  setup: (request: autocannon.Request) => void,
  path: string,
  headers: Record<string, string>,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: ms / 1000,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path,
        headers,
        body: MESSAGE,
        setupRequest: (request: autocannon.Request) => {
          setup(request);
          return request;
        },
      },
    ],
  });
  const completed = result.requests.total;
  return {
    rate: completed / (ms / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    requests: completed,
  };
}

/** Warm-up (not counted), then the measured window. */
async function measure(
  url: string,
  setup: (request: autocannon.Request) => void,
  path: string,
  headers: Record<string, string>,
): Promise<LoadResult> {
  if (WARMUP_MS > 0) await load(url, WARMUP_MS, setup, path, headers);
  return load(url, MEASURE_MS, setup, path, headers);
}

async function measureBareNest(): Promise<LoadResult> {
  const server = await startServer('nest');
  try {
    const headers = { 'content-type': 'application/json' };
    return await measure(server.ready.url, () => undefined, '/bare', headers);
  } finally {
    await server.close();
  }
}

interface EngineResult {
  readonly plain: LoadResult;
  /** The same load, every request with a unique Idempotency-Key (stored with its answer). */
  readonly keyed: LoadResult;
  readonly worker: string;
}

async function measureEngine(store: Store): Promise<EngineResult> {
  const server = await startServer(store);
  try {
    const { url, token, incidentIds = [], worker = 'in-process' } = server.ready;
    let next = 0;
    // Request n goes to incident n mod N: with N far above the connection count, no two requests
    // in flight touch one incident, so no command waits on or retries after another.
    const setup =
      (keyed: boolean) =>
      (request: autocannon.Request): void => {
        const id = incidentIds[next % incidentIds.length];
        next += 1;
        request.path = `/incidents/${id}/responses`;
        if (keyed) request.headers = { ...request.headers, 'idempotency-key': randomUUID() };
      };
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
    };
    const path = `/incidents/${incidentIds[0]}/responses`;
    const plain = await measure(url, setup(false), path, headers);
    const keyed = await load(url, MEASURE_MS, setup(true), path, headers);
    return { plain, keyed, worker };
  } finally {
    await server.close();
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
  const settings = `${CONNECTIONS} connections, ${MEASURE_MS / 1000} s after ${WARMUP_MS / 1000} s warm-up`;
  const rows: HttpBenchRow[] = [];
  const bare = await measureBareNest();
  rows.push(
    {
      name: 'bare NestJS POST route',
      value: Math.round(bare.rate),
      unit: 'req/s',
      note: `${settings}; p99 ${bare.p99} ms; ${bare.non2xx + bare.errors} failed`,
    },
    { name: 'bare NestJS POST route p99', value: bare.p99, unit: 'ms' },
  );
  for (const store of STORES) {
    const raw = await measureRawStore(store);
    const { plain: result, keyed, worker } = await measureEngine(store);
    const failed = result.non2xx + result.errors;
    const keyedFailed = keyed.non2xx + keyed.errors;
    const note = `${COMMAND}, ${settings}, worker ${worker}${failed > 0 ? `; ${failed} of ${result.requests} requests FAILED` : ''}`;
    rows.push(
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
        note: `p50 ${ms(keyed.p50)} ms, p99 ${ms(keyed.p99)} ms, max ${ms(keyed.max)} ms${keyedFailed > 0 ? `; ${keyedFailed} of ${keyed.requests} requests FAILED` : ''}`,
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

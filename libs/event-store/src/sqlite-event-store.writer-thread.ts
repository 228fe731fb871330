import Database from 'better-sqlite3';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { StoreUnavailableError } from './event-store.errors';
import {
  failureError,
  openSqliteWriter,
  toWriteFailure,
  type SerialisedAppend,
  type WriteFailure,
  type WriteOutcome,
} from './sqlite-event-store.writer';

/**
 * The SQLite file's writer on a thread of its own. better-sqlite3 is synchronous: on the event
 * loop, a group commit (the inserts, the WAL write, its fsync and now and then a checkpoint) or a
 * wait for another process's write lock would stop the process's HTTP work until it returned. The
 * thread holds its own connection to the file and does the writing; the adapter's connection on
 * the event loop only reads.
 *
 * The thread answers each group after its commit, so an append is acknowledged, and seen by any
 * reader, only once it is durable. Groups are written in the order sent; groups that arrive while
 * the thread is busy share its next transaction.
 */

/** Whether `path` names a private in-memory database rather than a file. */
export const isInMemory = (path: string): boolean => path === ':memory:' || path === '';

/** Opens a connection to the store's file as both sides use it: WAL, fsync on every commit. */
export function openSqliteFile(path: string, busyTimeoutMs: number): Database.Database {
  const db = new Database(path, { timeout: busyTimeoutMs });
  try {
    if (!isInMemory(path)) db.pragma('journal_mode = WAL');
    // FULL: an acknowledged append survives a power cut (the store is the source of truth).
    db.pragma('synchronous = FULL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

interface ThreadData {
  readonly sqliteEventStoreWriter: true;
  readonly path: string;
  readonly busyTimeoutMs: number;
}

type Request =
  | { readonly id: number; readonly type: 'append'; readonly group: readonly SerialisedAppend[] }
  | { readonly id: number; readonly type: 'close' };

const CLOSED: WriteFailure = {
  kind: 'store-unavailable',
  message: 'the SQLite event store is closed',
};

type Reply =
  | { readonly id: number; readonly outcomes: WriteOutcome[] }
  | { readonly id: number; readonly failure: WriteFailure }
  | { readonly id: number; readonly done: true };

/** The thread's side: serves the requests of the adapter that started it. */
function serve(data: ThreadData, port: NonNullable<typeof parentPort>): void {
  let db: Database.Database | undefined;
  let write: ((group: readonly SerialisedAppend[]) => WriteOutcome[]) | undefined;
  let unusable: WriteFailure | undefined;
  try {
    db = openSqliteFile(data.path, data.busyTimeoutMs);
    write = openSqliteWriter(db);
  } catch (error) {
    db?.close();
    db = undefined;
    unusable = toWriteFailure(error);
  }
  const reply = (message: Reply) => port.postMessage(message);
  let queued: Extract<Request, { type: 'append' }>[] = [];
  let scheduled = false;

  const flush = () => {
    scheduled = false;
    const requests = queued;
    queued = [];
    if (requests.length === 0) return;
    if (!write) {
      unanswered(requests, unusable ?? CLOSED);
      return;
    }
    let outcomes: WriteOutcome[];
    try {
      outcomes = write(requests.flatMap((request) => request.group));
    } catch (error) {
      unanswered(requests, toWriteFailure(error));
      return;
    }
    let from = 0;
    for (const request of requests) {
      reply({ id: request.id, outcomes: outcomes.slice(from, from + request.group.length) });
      from += request.group.length;
    }
  };
  const unanswered = (requests: readonly { id: number }[], failure: WriteFailure) => {
    for (const request of requests) reply({ id: request.id, failure });
  };

  port.on('message', (request: Request) => {
    if (request.type === 'append') {
      queued.push(request);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return;
    }
    // A close comes after every append sent before it.
    flush();
    db?.close();
    db = undefined;
    write = undefined;
    unusable = CLOSED;
    reply({ id: request.id, done: true });
  });
}

if (!isMainThread && (workerData as Partial<ThreadData> | null)?.sqliteEventStoreWriter) {
  serve(workerData as ThreadData, parentPort as NonNullable<typeof parentPort>);
}

/**
 * Run from the TypeScript sources (tests, the benchmarks, `node -r scripts/register-ts.cjs`), the
 * thread compiles this file as the process does; the built engine starts the compiled file.
 */
const REGISTER_TS = join(__dirname, '..', '..', '..', 'scripts', 'register-ts.cjs');

function startThread(data: ThreadData): Worker {
  if (!__filename.endsWith('.ts')) return new Worker(__filename, { workerData: data });
  const source = `require(${JSON.stringify(REGISTER_TS)}); require(${JSON.stringify(__filename)});`;
  return new Worker(source, { eval: true, workerData: data });
}

/**
 * The adapter's side: starts the thread on the first request, sends requests and settles each
 * with its reply. The thread keeps the process alive only while a request waits for it. When it
 * stops unexpectedly, whatever waits is refused as unavailable (an append it may have written is
 * recognised by its event ids when retried) and the next request starts a new thread.
 */
export class SqliteWriterThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { resolve(reply: Reply): void; reject(error: unknown): void }
  >();

  constructor(
    private readonly path: string,
    private readonly busyTimeoutMs: number,
  ) {}

  /** Writes a group in one transaction; one outcome per append, in order. */
  async write(group: readonly SerialisedAppend[]): Promise<WriteOutcome[]> {
    const reply = await this.request({ type: 'append', group });
    if ('failure' in reply) throw failureError(reply.failure);
    if (!('outcomes' in reply))
      throw new Error('the SQLite writer thread answered an append with no outcomes');
    return reply.outcomes;
  }

  /** Closes the thread's connection after every group already sent, and ends the thread. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    await this.request({ type: 'close' }).catch(() => undefined);
    await worker.terminate();
  }

  private request(message: { type: 'append'; group: readonly SerialisedAppend[] }): Promise<Reply>;
  private request(message: { type: 'close' }): Promise<Reply>;
  private request(message: Omit<Request, 'id'>): Promise<Reply> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) worker.ref();
      worker.postMessage({ ...message, id });
    });
  }

  private start(): Worker {
    const worker = startThread({
      sqliteEventStoreWriter: true,
      path: this.path,
      busyTimeoutMs: this.busyTimeoutMs,
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) worker.unref();
      waiter.resolve(reply);
    });
    worker.on('error', (error) => this.stopped(worker, error));
    worker.on('exit', (code) => this.stopped(worker, new Error(`it exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private stopped(worker: Worker, reason: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const waiter of waiting) {
      waiter.reject(
        new StoreUnavailableError(`the SQLite writer thread stopped: ${reason.message}`, {
          cause: reason,
        }),
      );
    }
  }
}

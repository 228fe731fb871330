import { sql, type Kysely } from 'kysely';
import { sleep } from '../runner/sleep';
import type { Lease, LeaseHandle, LeaseOptions } from './projection-store.port';

/** Advisory lock class of runner leases ('RMOD'; migrations and the event store use others). */
const LOCK_CLASS = 0x524d4f44;
const HEARTBEAT_MS = 5_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a connection for lock functions only
type Db = Kysely<any>;

interface HeldConnection {
  readonly db: Db;
  readonly release: () => void;
}

/**
 * Runner leases as session advisory locks (`pg_try_advisory_lock`) on one pool connection held
 * for as long as any lease is: the server releases them if this process dies or the connection
 * drops, and a standby's next try takes over. Within the process, a name held by one runner is
 * refused to another (advisory locks are re-entrant per session). A failed heartbeat on the
 * connection loses every lease at once.
 */
export class PostgresLeaseSession {
  private connection: Promise<HeldConnection> | null = null;
  private readonly held = new Map<string, () => void>();
  private heartbeat: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Db) {}

  lease(name: string, owner: string, options: LeaseOptions = {}): Lease {
    const retryMs = options.retryMs ?? 1_000;
    return {
      name,
      owner,
      tryAcquire: () => this.tryTake(name).catch(() => null),
      acquire: async (signal) => {
        while (!signal.aborted) {
          const handle = await this.tryTake(name).catch(() => null);
          // The try was in flight when the signal aborted: the holder no longer wants it.
          if (handle && signal.aborted) await handle.release();
          else if (handle) return handle;
          await sleep(retryMs, signal);
        }
        return null;
      },
    };
  }

  async close(): Promise<void> {
    for (const lose of [...this.held.values()]) lose();
    await this.serial(() => this.disconnect(true));
  }

  private async tryTake(name: string): Promise<LeaseHandle | null> {
    return this.serial(async () => {
      if (this.held.has(name)) return null;
      const { db } = await this.connect();
      const { rows } = await sql<{ locked: boolean }>`
        SELECT pg_try_advisory_lock(${LOCK_CLASS}, hashtext(${name})) AS locked`.execute(db);
      if (rows[0]?.locked !== true) {
        if (this.held.size === 0) await this.disconnect(false);
        return null;
      }
      return this.handle(name);
    });
  }

  private handle(name: string): LeaseHandle {
    let held = true;
    let markLost!: () => void;
    const lost = new Promise<void>((resolve) => (markLost = resolve));
    const lose = () => {
      if (!held) return;
      held = false;
      this.held.delete(name);
      markLost();
    };
    this.held.set(name, lose);
    this.startHeartbeat();
    return {
      lost,
      isHeld: () => held,
      release: async () => {
        if (!held) return;
        lose();
        await this.serial(async () => {
          const connection = await this.connection?.catch(() => null);
          if (connection)
            await sql`SELECT pg_advisory_unlock(${LOCK_CLASS}, hashtext(${name}))`
              .execute(connection.db)
              .catch(() => this.disconnect(true));
          if (this.held.size === 0) await this.disconnect(false);
        });
      },
    };
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      void this.serial(async () => {
        const connection = await this.connection?.catch(() => null);
        const alive = connection
          ? await sql`SELECT 1`.execute(connection.db).then(
              () => true,
              () => false,
            )
          : false;
        if (!alive) await this.disconnect(true);
      });
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  private connect(): Promise<HeldConnection> {
    if (!this.connection) {
      const connection = new Promise<HeldConnection>((resolve, reject) => {
        let release!: () => void;
        const released = new Promise<void>((done) => (release = done));
        this.db
          .connection()
          .execute(async (db) => {
            resolve({ db, release });
            await released;
          })
          .catch(reject);
      });
      connection.catch(() => undefined);
      this.connection = connection;
    }
    return this.connection;
  }

  /** Gives the connection back to the pool, with no lock left on it (unless it is broken). */
  private async disconnect(broken: boolean): Promise<void> {
    if (broken) for (const lose of [...this.held.values()]) lose();
    const pending = this.connection;
    this.connection = null;
    if (this.held.size === 0 && this.heartbeat) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
    const connection = await pending?.catch(() => null);
    if (!connection) return;
    if (!broken)
      await sql`SELECT pg_advisory_unlock_all()`.execute(connection.db).catch(() => null);
    connection.release();
  }

  /** Lock calls on the one connection never overlap. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

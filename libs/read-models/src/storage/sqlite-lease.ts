import type Database from 'better-sqlite3';
import { PROJECTION_LEASES_TABLE } from '../schema/read-model.migrations';
import { quote } from '../schema/table-schema';
import { sleep } from '../runner/sleep';
import type { Lease, LeaseHandle, LeaseOptions } from './projection-store.port';

const LEASES = quote(PROJECTION_LEASES_TABLE);

/**
 * A lease row (owner, expiry) renewed every third of its time to live. A standby takes it once it
 * has expired; the holder's batches check it inside their transaction, so a holder that stalled
 * past its expiry cannot write after a standby took over.
 */
export class SqliteLease implements Lease {
  private readonly ttlMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly db: Database.Database,
    readonly name: string,
    readonly owner: string,
    options: LeaseOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 15_000;
    this.retryMs = options.retryMs ?? 1_000;
  }

  /** True while `owner` holds an unexpired lease `name` (read inside the caller's transaction). */
  static holds(db: Database.Database, name: string, owner: string): boolean {
    const row = db.prepare(`SELECT owner, expires_at FROM ${LEASES} WHERE name = ?`).get(name) as
      { owner: string; expires_at: number | bigint } | undefined;
    return row !== undefined && row.owner === owner && Number(row.expires_at) > Date.now();
  }

  async tryAcquire(): Promise<LeaseHandle | null> {
    return this.tryTake() ? this.handle() : null;
  }

  async acquire(signal: AbortSignal): Promise<LeaseHandle | null> {
    while (!signal.aborted) {
      if (this.tryTake()) return this.handle();
      await sleep(this.retryMs, signal);
    }
    return null;
  }

  private tryTake(): boolean {
    const now = Date.now();
    try {
      const { changes } = this.db
        .prepare(
          `INSERT INTO ${LEASES} (name, owner, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
           WHERE ${LEASES}.owner = excluded.owner OR ${LEASES}.expires_at <= ?`,
        )
        .run(this.name, this.owner, now + this.ttlMs, now);
      return changes === 1;
    } catch {
      return false; // busy: try again later
    }
  }

  private handle(): LeaseHandle {
    let held = true;
    let expiresAt = Date.now() + this.ttlMs;
    let markLost!: () => void;
    const lost = new Promise<void>((resolve) => (markLost = resolve));
    const lose = () => {
      if (!held) return;
      held = false;
      clearInterval(timer);
      markLost();
    };
    const timer = setInterval(
      () => {
        const next = Date.now() + this.ttlMs;
        try {
          const { changes } = this.db
            .prepare(`UPDATE ${LEASES} SET expires_at = ? WHERE name = ? AND owner = ?`)
            .run(next, this.name, this.owner);
          if (changes === 1) expiresAt = next;
          else lose();
        } catch {
          if (Date.now() >= expiresAt) lose();
        }
      },
      Math.max(10, Math.floor(this.ttlMs / 3)),
    );
    timer.unref();
    return {
      lost,
      isHeld: () => held && Date.now() < expiresAt,
      release: async () => {
        if (held) {
          try {
            this.db
              .prepare(`DELETE FROM ${LEASES} WHERE name = ? AND owner = ?`)
              .run(this.name, this.owner);
          } catch {
            // It expires on its own.
          }
        }
        lose();
      },
    };
  }
}

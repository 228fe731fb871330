import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { EventStore } from '@engine/event-store';
import { EVENT_STORE, HttpProblem, SQL_DATABASE, type SqlDatabase } from '@engine/platform';
import {
  PROJECTIONS,
  RebuildInProgressError,
  UnknownProjectionError,
  createProjectionStore,
  listCheckpoints,
  projectionNamed,
  rebuildProjection,
  type ProjectionStore,
} from '@engine/read-models';

export interface RebuildState {
  readonly state: 'rebuilding' | 'swapped' | 'failed';
  readonly startedAt: string;
  readonly generation: number | null;
  /** Events replayed so far. */
  readonly events: number;
  readonly finishedAt?: string;
  readonly error?: string;
}

/**
 * Rebuilds started from the API: the replay runs in this process, in the background, while readers
 * and the live runner (here or in a worker) carry on; the swap is one transaction. A second rebuild
 * of a projection, here or in another process, is refused while one runs.
 */
@Injectable()
export class ProjectionRebuilds implements OnModuleDestroy {
  private readonly logger = new Logger('Rebuild');
  private projections: ProjectionStore | null = null;
  private readonly rebuilds = new Map<string, RebuildState>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly database: SqlDatabase,
  ) {}

  /** Starts a rebuild; resolves once it holds the projection's rebuild lease (else 404 / 409). */
  async start(name: string): Promise<{ projection: string } & RebuildState> {
    const projection = this.projectionNamed(name);
    if (this.rebuilds.get(name)?.state === 'rebuilding') throw this.inProgress(name);
    this.projections ??= createProjectionStore(this.database);
    const startedAt = new Date().toISOString();
    const set = (state: Omit<RebuildState, 'startedAt'>) =>
      this.rebuilds.set(name, { startedAt, ...state });
    set({ state: 'rebuilding', generation: null, events: 0 });
    let started!: () => void;
    const holding = new Promise<void>((resolve) => (started = resolve));
    const run = rebuildProjection(this.store, this.projections, projection, {
      signal: this.stopping.signal,
      onStarted: (generation) => {
        set({ state: 'rebuilding', generation, events: 0 });
        started();
      },
      onProgress: ({ generation, events }) => set({ state: 'rebuilding', generation, events }),
    });
    const settled = run.then(
      (record) => {
        set({
          state: 'swapped',
          generation: record.generation,
          events: this.rebuilds.get(name)?.events ?? 0,
          finishedAt: new Date().toISOString(),
        });
        this.logger.log(`${name}: rebuilt (generation ${record.generation}) and swapped in`);
      },
      (error: unknown) => {
        if (error instanceof RebuildInProgressError) {
          this.rebuilds.delete(name);
          return error;
        }
        const message = error instanceof Error ? error.message : String(error);
        set({
          ...this.rebuilds.get(name)!,
          state: 'failed',
          finishedAt: new Date().toISOString(),
          error: message,
        });
        this.logger.error(`${name}: ${message}`);
        return undefined;
      },
    );
    this.running.add(settled);
    void settled.finally(() => this.running.delete(settled));
    if ((await Promise.race([holding, settled])) instanceof RebuildInProgressError)
      throw this.inProgress(name);
    return { projection: name, ...this.rebuilds.get(name)! };
  }

  /** Every follower's stored status, with the rebuilds this process ran. */
  async statuses() {
    const known = new Set(PROJECTIONS.map((projection) => projection.name));
    const records = await listCheckpoints(this.database.db);
    return {
      items: records.map((record) => ({
        name: record.name,
        kind: known.has(record.name) ? 'projection' : 'follower',
        state: record.state,
        checkpoint: record.checkpoint.toString(),
        lastEventAt: record.lastEventAt,
        error: record.error,
        errorPosition: record.errorPosition?.toString() ?? null,
        generation: record.generation,
        rebuild: this.rebuilds.get(record.name) ?? null,
      })),
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
    await this.projections?.close();
    this.projections = null;
  }

  private projectionNamed(name: string) {
    try {
      return projectionNamed(name);
    } catch (error) {
      if (error instanceof UnknownProjectionError)
        throw new HttpProblem(404, error.code, error.message);
      throw error;
    }
  }

  private inProgress(name: string): HttpProblem {
    return new HttpProblem(409, 'rebuild-in-progress', `A rebuild of ${name} is already running.`);
  }
}

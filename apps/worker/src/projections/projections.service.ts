import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { PolicyRegistry } from '@engine/domain';
import type { EventStore } from '@engine/event-store';
import {
  EngineMetrics,
  EVENT_STORE,
  POLICY_REGISTRY,
  SQL_DATABASE,
  type SqlDatabase,
} from '@engine/platform';
import {
  PROJECTIONS,
  changeHubFor,
  createProblemLinkReactor,
  createProjectionRunner,
  createProjectionStore,
  incidentsProjection,
  migrateReadModels,
  type FeedFollower,
  type FollowerLag,
  type FollowerStatus,
  type ProjectionStore,
} from '@engine/read-models';

/** States in which a follower counts as working: `standby` means another process is active. */
const WORKING: readonly FollowerStatus['state'][] = [
  'running',
  'catching-up',
  'standby',
  'starting',
];

export interface ProjectionsReadiness {
  readonly ready: boolean;
  readonly followers: readonly (FollowerStatus & Partial<FollowerLag>)[];
}

/**
 * Runs every projection and the problem-link reactor of this process, each a feed follower with
 * its own checkpoint and lease (so several worker processes may run: one is active per name, the
 * others stand by). The incidents runner publishes its changes to the in-process hub `/stream`
 * listens to.
 */
@Injectable()
export class ProjectionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Projections');
  private projections: ProjectionStore | null = null;
  private followers: FeedFollower[] = [];
  private detachPublisher: (() => void) | null = null;
  private untrackLag: (() => void)[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DATABASE) private readonly database: SqlDatabase,
    @Inject(POLICY_REGISTRY) private readonly policies: PolicyRegistry,
    private readonly metrics: EngineMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await migrateReadModels(this.database);
    const projections = createProjectionStore(this.database);
    this.projections = projections;
    const hub = changeHubFor(this.database);
    this.detachPublisher = hub.attachPublisher();
    this.followers = [
      ...PROJECTIONS.map((projection) =>
        createProjectionRunner(this.store, projections, projection, {
          logger: new Logger(`Projection ${projection.name}`),
          onChanges:
            projection === incidentsProjection ? (changes) => hub.publish(changes) : undefined,
        }),
      ),
      createProblemLinkReactor(this.store, projections, this.policies, {
        logger: new Logger('Reactor problem-links'),
      }),
    ];
    for (const follower of this.followers) follower.start();
    // engine_projection_lag_events / _seconds, per follower, computed when scraped.
    this.untrackLag = this.followers.map((follower) => this.metrics.trackLag(follower));
    this.logger.log(`Following the feed: ${this.followers.map((f) => f.name).join(', ')}`);
  }

  /** Stops before the store and the read store close (their hooks run after this one). */
  async onModuleDestroy(): Promise<void> {
    for (const untrack of this.untrackLag) untrack();
    await Promise.all(this.followers.map((follower) => follower.stop()));
    this.followers = [];
    this.detachPublisher?.();
    await this.projections?.close();
    this.projections = null;
  }

  statuses(): FollowerStatus[] {
    return this.followers.map((follower) => follower.status());
  }

  /** For `/health/ready`: no follower halted or stopped; with each one's lag when asked. */
  async readiness(withLag = false): Promise<ProjectionsReadiness> {
    const followers = await Promise.all(
      this.followers.map(async (follower) => ({
        ...follower.status(),
        ...(withLag ? await follower.lag().catch(() => ({})) : {}),
      })),
    );
    return {
      ready: followers.length > 0 && followers.every((f) => WORKING.includes(f.state)),
      followers,
    };
  }
}

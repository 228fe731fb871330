import { randomUUID } from 'node:crypto';
import {
  createIncidentDecider,
  DomainError,
  incidentStreamId,
  SYSTEM_ACTOR,
  type LinkToProblem,
  type PolicyRegistry,
  type ProblemIncidentLinked,
} from '@engine/domain';
import { handleCommand, type EventStore, type RecordedEvent } from '@engine/event-store';
import { PROBLEM_STREAM_PREFIX } from '../known-errors/known-errors.projection';
import { idAfterPrefix, occurredAtOf } from '../projection/projection.model';
import { FeedFollower } from '../runner/feed-follower';
import {
  silentLogger,
  type FeedConsumer,
  type FollowerLogger,
  type FollowerOptions,
} from '../runner/feed-follower.model';
import type { LeaseOptions, ProjectionStore } from '../storage/projection-store.port';

export const PROBLEM_LINK_REACTOR = 'problem-links';

export interface ProblemLinkReactorOptions extends FollowerOptions {
  readonly owner?: string;
  readonly lease?: LeaseOptions;
  /** The time commands are decided at. Default: the clock. */
  readonly now?: () => string;
}

/** The command id of the reaction to one linking event: a replay finds it handled and appends nothing. */
export const problemLinkCommandId = (linkingEventId: string): string =>
  `problem-link:${linkingEventId}`;

/**
 * `problem.incident-linked` on a problem's stream -> `LinkToProblem` on the incident's stream
 * (which records `incident.linked-to-problem`, and the problem's workaround when it has one), so
 * each command writes one stream. At least once: the checkpoint moves after the commands, and a
 * replayed event re-sends a command with the same derived id, which handleCommand recognises.
 * A refusal by the decider (no such incident) is logged and skipped: the decider is the judge.
 */
export function problemLinkConsumer(
  store: EventStore,
  projections: ProjectionStore,
  policies: PolicyRegistry,
  options: { readonly now?: () => string; readonly logger?: FollowerLogger } = {},
): FeedConsumer {
  const decider = createIncidentDecider(policies);
  const now = options.now ?? (() => new Date().toISOString());
  const logger = options.logger ?? silentLogger;

  const react = async (event: RecordedEvent): Promise<void> => {
    const data = event.data as ProblemIncidentLinked['data'];
    const problemId = idAfterPrefix(event.streamId, PROBLEM_STREAM_PREFIX);
    if (problemId === null || typeof data?.incidentId !== 'string') return;
    const command: LinkToProblem = {
      type: 'LinkToProblem',
      data: { problemId, workaround: data.workaround ?? null },
      meta: { now: now(), actor: SYSTEM_ACTOR },
    };
    try {
      await handleCommand(store, incidentStreamId(data.incidentId), decider, command, {
        commandId: problemLinkCommandId(event.id),
        causationId: event.id,
        correlationId:
          typeof event.metadata.correlationId === 'string'
            ? event.metadata.correlationId
            : event.id,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      logger.warn(
        `${PROBLEM_LINK_REACTOR}: incident ${data.incidentId} refused the link to problem ${problemId}: ${error.code}`,
      );
    }
  };

  return {
    name: PROBLEM_LINK_REACTOR,
    streamPrefixes: [PROBLEM_STREAM_PREFIX],
    readStatus: () => projections.readStatus(PROBLEM_LINK_REACTOR),
    async apply(events, expected, lease) {
      for (const event of events) {
        if (!lease.isHeld()) return { kind: 'lease-lost' };
        if (event.type === 'problem.incident-linked') await react(event);
      }
      const last = events.at(-1)!;
      const lastEventAt = occurredAtOf(last);
      if (
        await projections.advanceCheckpoint(
          PROBLEM_LINK_REACTOR,
          expected,
          last.position,
          lastEventAt,
        )
      )
        return { kind: 'applied', checkpoint: last.position, lastEventAt };
      return {
        kind: 'moved',
        checkpoint: (await projections.readStatus(PROBLEM_LINK_REACTOR)).checkpoint,
      };
    },
  };
}

/** The reactor as a feed follower of its own (own checkpoint, own lease). */
export function createProblemLinkReactor(
  store: EventStore,
  projections: ProjectionStore,
  policies: PolicyRegistry,
  options: ProblemLinkReactorOptions = {},
): FeedFollower {
  const lease = projections.lease(
    PROBLEM_LINK_REACTOR,
    options.owner ?? randomUUID(),
    options.lease,
  );
  return new FeedFollower(
    store,
    problemLinkConsumer(store, projections, policies, options),
    lease,
    options,
  );
}

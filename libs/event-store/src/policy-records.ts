import { randomUUID } from 'node:crypto';
import {
  type Command,
  type CommandMeta,
  type Decider,
  type DomainEvent,
  DomainError,
} from '@engine/domain';
import type { EventStore } from './event-store.port';
import { handleCommand } from './handle-command';

/** A policy document as loaded: its version, the hash of its text, and the text (YAML). */
export interface PolicyRecord {
  readonly version: string;
  readonly contentHash: string;
  readonly content: string;
}

/** A version may never change meaning: recording other content under a recorded version is refused. */
export class PolicyVersionConflictError extends DomainError {
  constructor(version: string, recordedHash: string, newHash: string) {
    super(
      'policy-version-conflict',
      `policy version ${version} is already recorded with different content ` +
        `(hash ${abbreviate(recordedHash)} ≠ ${abbreviate(newHash)}); give the changed document a new version`,
      { version, recordedHash, newHash },
    );
    this.name = 'PolicyVersionConflictError';
  }
}

const abbreviate = (hash: string) => (hash.length > 12 ? `${hash.slice(0, 12)}…` : hash);

export const POLICY_STREAM_PREFIX = 'policy-';
export const policyStreamId = (version: string) => `${POLICY_STREAM_PREFIX}${version}`;

type PolicyLoaded = DomainEvent<'policy.loaded', PolicyRecord>;
type LoadPolicy = Command<'policy.load', PolicyRecord>;

/** The Policy aggregate: the first recorded content is what the version means, forever. */
const policyDecider: Decider<LoadPolicy, PolicyLoaded, PolicyRecord | null> = {
  initialState: null,
  evolve: (state, event) => state ?? event.data,
  decide: (command, state) => {
    if (state === null) return [{ type: 'policy.loaded', data: command.data }];
    if (state.contentHash === command.data.contentHash) return [];
    throw new PolicyVersionConflictError(
      state.version,
      state.contentHash,
      command.data.contentHash,
    );
  },
};

/**
 * Records the policy document under `policy-<version>` unless that version is already recorded with
 * the same hash. Safe to call from several processes at once (a concurrent recorder is re-read).
 * @returns 'recorded' when this call appended, 'unchanged' when the same content was recorded before
 * @throws PolicyVersionConflictError when the version is recorded with another hash
 */
export async function recordPolicy(
  store: EventStore,
  policy: PolicyRecord,
  meta: CommandMeta,
): Promise<'recorded' | 'unchanged'> {
  const data: PolicyRecord = {
    version: policy.version,
    contentHash: policy.contentHash,
    content: policy.content,
  };
  const command: LoadPolicy = { type: 'policy.load', data, meta };
  const result = await handleCommand(
    store,
    policyStreamId(policy.version),
    policyDecider,
    command,
    {
      commandId: randomUUID(),
    },
  );
  return result.events.length > 0 ? 'recorded' : 'unchanged';
}

/**
 * Every recorded policy version, in the order they were first recorded. Reads the feed, which on
 * PostgreSQL may show an append from another transaction a moment after it commits.
 */
export async function loadRecordedPolicies(store: EventStore): Promise<PolicyRecord[]> {
  const byStream = new Map<string, PolicyRecord>();
  const pageSize = 500;
  for (let from = 0n; ;) {
    const page = await store.readAll(from, pageSize, { streamPrefixes: [POLICY_STREAM_PREFIX] });
    for (const event of page) {
      if (event.type !== 'policy.loaded' || byStream.has(event.streamId)) continue;
      const { version, contentHash, content } = event.data as PolicyRecord;
      byStream.set(event.streamId, { version, contentHash, content });
    }
    if (page.length < pageSize) return [...byStream.values()];
    from = page[page.length - 1].position;
  }
}

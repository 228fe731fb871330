import { SYSTEM_ACTOR, parsePolicy, type Policy, type PolicyRegistry } from '@engine/domain';
import {
  PolicyVersionConflictError,
  loadRecordedPolicies,
  recordPolicy,
  type EventStore,
} from '@engine/event-store';
import { ConfigError } from '../config/config-error';
import type { LoadedPolicy } from '../policy/policy-source';

/**
 * Records the loaded policy document in its `policy-<version>` stream, then builds the registry of
 * every version ever recorded, so incidents opened under an older version keep being judged by it.
 * A version recorded with other content stops start-up with one clear sentence.
 */
export async function openPolicyRegistry(
  store: EventStore,
  loaded: LoadedPolicy,
  now: string,
  warn: (message: string) => void,
): Promise<PolicyRegistry> {
  const current = loaded.policy;
  try {
    await recordPolicy(
      store,
      { version: current.version, contentHash: loaded.contentHash, content: loaded.content },
      { now, actor: SYSTEM_ACTOR },
    );
  } catch (error) {
    if (error instanceof PolicyVersionConflictError)
      throw new ConfigError([{ variable: 'SUPPORT_POLICY', reason: error.message }], {
        cause: error,
      });
    throw error;
  }
  const versions = new Map<string, Policy>([[current.version, current]]);
  for (const record of await loadRecordedPolicies(store)) {
    if (versions.has(record.version)) continue;
    try {
      versions.set(record.version, parsePolicy(record.content));
    } catch (error) {
      warn(
        `recorded policy version ${record.version} no longer loads: ${(error as Error).message}`,
      );
    }
  }
  return { current, byVersion: (version) => versions.get(version) };
}

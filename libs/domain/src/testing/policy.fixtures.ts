import { almacarePolicy } from '../policy/almacare.policy';
import type { Policy, PolicyRegistry } from '../policy/policy.model';

/** The default AlmaCare policy, parsed from the shipped document. */
export const defaultPolicy: Policy = almacarePolicy();

/** A registry of the given versions; the last one is current. */
export const registryOf = (...policies: readonly Policy[]): PolicyRegistry => ({
  current: policies[policies.length - 1] ?? defaultPolicy,
  byVersion: (version) => policies.find((policy) => policy.version === version),
});

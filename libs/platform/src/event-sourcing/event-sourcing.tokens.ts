/** Injection token of the EventStore (the engine's source of truth). */
export const EVENT_STORE = 'EVENT_STORE';
/** Injection token of the PolicyRegistry: every recorded policy version, and the current one. */
export const POLICY_REGISTRY = 'POLICY_REGISTRY';

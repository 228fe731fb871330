export type {
  AppendResult,
  EventHandler,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionErrorContext,
} from './event-store.port';
export {
  EventIdConflictError,
  EventStoreError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from './event-store.errors';
/** PostgreSQL errors meaning "unreachable or shedding load" (the read store maps them too). */
export { isUnavailable as isPostgresUnavailable } from './postgres-event-store.errors';
export {
  parseBigIntText,
  serializeRecordedEvent,
  type SerializedRecordedEvent,
} from './event-store.json';
export { deriveEventId } from './command-event-id';
export {
  type CommandObserver,
  type CommandOutcome,
  type CommandReport,
  observeCommands,
} from './command-observer';
export {
  type CommandResult,
  ConcurrencyConflictError,
  handleCommand,
  type HandleCommandOptions,
  type HandleCommandSettings,
} from './handle-command';
export { StreamStateCache, type StreamStateEntry } from './stream-state-cache';
export { TurnQueue } from './append-queue';
export {
  createEventStore,
  type EventStoreConfig,
  type EventStoreKind,
} from './event-store.factory';
// Adapters are reached through createEventStore (loaded on demand); their option types are public.
export type { SqliteEventStoreOptions } from './sqlite-event-store.adapter';
export type { PostgresEventStoreOptions } from './postgres-event-store.adapter';
export type { EsdbEventStoreOptions } from './esdb-event-store.adapter';
export {
  loadRecordedPolicies,
  POLICY_STREAM_PREFIX,
  type PolicyRecord,
  PolicyVersionConflictError,
  policyStreamId,
  recordPolicy,
} from './policy-records';

export * from './projection/projection.model';
export {
  planBatch,
  keysToLoad,
  checkRow,
  type BatchPlan,
  type TableWrites,
} from './projection/batch-plan';
export * from './projection/projections.registry';
export * from './schema/table-schema';
export * from './schema/read-model.migrations';
export * from './incidents/incident.projection';
export * from './incidents/incident-number.projection';
export * from './incidents/sla-clock.projection';
export * from './incidents/incidents.projection';
export * from './customers/customers.projection';
export * from './known-errors/known-errors.projection';
export * from './storage/projection-store.port';
export * from './storage/checkpoint.queries';
export { SqliteProjectionStore } from './storage/sqlite-projection.store';
export { PostgresProjectionStore } from './storage/postgres-projection.store';
export * from './runner/feed-follower.model';
export { FeedFollower } from './runner/feed-follower';
export * from './runner/projection-runner';
export * from './runner/projection-rebuild';
export * from './reactors/problem-link.reactor';
export * from './changes/projection-change.hub';
export * from './changes/change-replay';
export { ChangeTail } from './changes/change-tail';
export * from './queries/read-model.tables';
export * from './queries/cursor';
export * from './queries/incident.queries';
export * from './queries/known-error.queries';
export * from './queries/sla-report';
export * from './queries/sla-report.query';
export * from './queries/iso-duration';
export * from './read-models.factory';

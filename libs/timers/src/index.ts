export * from './timer-job';
export * from './redis-connections';
export * from './timer-queue';
export * from './timer-scheduler';
export * from './timer-worker';
export * from './timer-reconciler';
export * from './open-incidents.source';
export { readIncidentState } from './incident-state.reader';

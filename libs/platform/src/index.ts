export * from './config/config-error';
export * from './config/config-variables';
export * from './config/engine-config';
export * from './logging/log-levels';
export * from './policy/policy-source';
export * from './startup/engine-startup';
export * from './startup/fail-fast';
export * from './platform.module';

import { resolve } from 'node:path';
import { ConfigError } from './config-error';
import { EnvReader } from './env-reader';

export type EventStoreKind = 'sqlite' | 'postgres' | 'esdb';
export type ReadStoreKind = 'sqlite' | 'postgres';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

export const EVENT_STORE_KINDS: readonly EventStoreKind[] = ['sqlite', 'postgres', 'esdb'];
export const READ_STORE_KINDS: readonly ReadStoreKind[] = ['sqlite', 'postgres'];
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** The engine's settings, read once from the environment and validated at start-up. */
export interface EngineConfig {
  readonly eventStore: EventStoreKind;
  readonly readStore: ReadStoreKind;
  /** Absolute path of the SQLite file (used when either store is `sqlite`). */
  readonly sqlitePath: string;
  readonly databaseUrl: string | null;
  readonly eventStoreUrl: string | null;
  readonly redisUrl: string;
  /** Absolute path of the support policy YAML document. */
  readonly supportPolicyPath: string;
  readonly authJwtSecret: string | null;
  readonly authJwksUrl: string | null;
  readonly intakeSecret: string | null;
  readonly intakeMaxBytes: number;
  readonly smtpPort: number | null;
  readonly smtpUrl: string | null;
  readonly port: number;
  readonly logLevel: LogLevel;
  /** 32-byte key that encrypts webhook signing secrets at rest. */
  readonly webhookSecretKey: Buffer | null;
  readonly webhookAllowPrivateTargets: boolean;
}

/**
 * Reads and validates the engine's configuration. Every mistake is collected, so one start-up
 * reports all of them; relative paths resolve against `cwd`.
 */
export function loadEngineConfig(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): EngineConfig {
  const read = new EnvReader(env);

  const eventStore = read.oneOf('EVENT_STORE', EVENT_STORE_KINDS) ?? 'sqlite';
  const databaseUrl = read.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const eventStoreUrl = read.url('EVENTSTORE_URL', ['esdb:', 'esdb+discover:']);
  const readStore =
    read.oneOf('READ_STORE', READ_STORE_KINDS) ?? defaultReadStore(eventStore, databaseUrl);

  if (eventStore === 'postgres' && databaseUrl === null && !read.failed('DATABASE_URL')) {
    read.issue('DATABASE_URL', 'is required when EVENT_STORE=postgres');
  } else if (readStore === 'postgres' && databaseUrl === null && !read.failed('DATABASE_URL')) {
    read.issue('DATABASE_URL', 'is required when READ_STORE=postgres');
  }
  if (eventStore === 'esdb' && eventStoreUrl === null && !read.failed('EVENTSTORE_URL')) {
    read.issue('EVENTSTORE_URL', 'is required when EVENT_STORE=esdb');
  }

  const authJwtSecret = read.text('AUTH_JWT_SECRET');
  if (authJwtSecret !== null && authJwtSecret.length < 32) {
    read.issue('AUTH_JWT_SECRET', 'must be at least 32 characters (HS256 needs a 256-bit key)');
  }

  const config: EngineConfig = {
    eventStore,
    readStore,
    sqlitePath: resolve(cwd, read.required('SQLITE_PATH')),
    databaseUrl,
    eventStoreUrl,
    redisUrl: read.url('REDIS_URL', ['redis:', 'rediss:']) ?? '',
    supportPolicyPath: resolve(cwd, read.required('SUPPORT_POLICY')),
    authJwtSecret,
    authJwksUrl: read.url('AUTH_JWKS_URL', ['https:', 'http:']),
    intakeSecret: read.text('INTAKE_SECRET'),
    intakeMaxBytes: read.integer('INTAKE_MAX_BYTES', 1, Number.MAX_SAFE_INTEGER) ?? 0,
    smtpPort: read.integer('SMTP_PORT', 0, 65535),
    smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:']),
    port: read.integer('PORT', 0, 65535) ?? 0,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS) ?? 'info',
    webhookSecretKey: read.key32('WEBHOOK_SECRET_KEY'),
    webhookAllowPrivateTargets: read.boolean('WEBHOOK_ALLOW_PRIVATE_TARGETS') ?? false,
  };
  if (read.issues.length > 0) throw new ConfigError(read.issues);
  return config;
}

function defaultReadStore(eventStore: EventStoreKind, databaseUrl: string | null): ReadStoreKind {
  if (eventStore === 'esdb') return databaseUrl !== null ? 'postgres' : 'sqlite';
  return eventStore;
}

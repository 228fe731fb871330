import { resolve } from 'node:path';
import { redisHashTag, redisNodeUrls } from '../redis/redis-connection';
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
  /** One node's URL; with `redisCluster`, the cluster's seed nodes, comma-separated. */
  readonly redisUrl: string;
  /** Whether `redisUrl` names a Redis Cluster. */
  readonly redisCluster: boolean;
  /** Redis key prefix of the timer queue (a hash tag on Redis Cluster). */
  readonly timersQueuePrefix: string;
  /** Absolute path of the support policy YAML document. */
  readonly supportPolicyPath: string;
  readonly authJwtSecret: string | null;
  readonly authJwksUrl: string | null;
  readonly intakeSecret: string | null;
  readonly intakeMaxBytes: number;
  readonly smtpPort: number | null;
  /** Address the SMTP intake listener binds to. */
  readonly smtpHost: string;
  readonly smtpUrl: string | null;
  /** From address of notification emails (the intake address, so replies thread back). */
  readonly smtpFrom: string;
  /** Redis key prefix of the email notification queue (a hash tag on Redis Cluster). */
  readonly intakeQueuePrefix: string;
  readonly port: number;
  /** Whether the API process also runs the worker's processors (the embedded default). */
  readonly runWorker: boolean;
  readonly logLevel: LogLevel;
  /** Bearer token `/metrics` requires; null: the metrics are public. */
  readonly metricsToken: string | null;
  /** Port of the standalone worker's metrics listener; 0: none. */
  readonly workerMetricsPort: number;
  /** 32-byte key that encrypts webhook signing secrets at rest. */
  readonly webhookSecretKey: Buffer | null;
  readonly webhookAllowPrivateTargets: boolean;
  /** Delay before each delivery attempt of one webhook message (the first is the first attempt's). */
  readonly webhookRetryScheduleMs: readonly number[];
  /** Redis key prefix of the webhook delivery queue (a hash tag on Redis Cluster). */
  readonly webhookQueuePrefix: string;
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

  const redisCluster = read.boolean('REDIS_CLUSTER') ?? false;

  const config: EngineConfig = {
    eventStore,
    readStore,
    sqlitePath: resolve(cwd, read.required('SQLITE_PATH')),
    databaseUrl,
    eventStoreUrl,
    redisUrl: redisCluster ? clusterSeeds(read) : (read.url('REDIS_URL', REDIS_PROTOCOLS) ?? ''),
    redisCluster,
    timersQueuePrefix: read.required('TIMERS_QUEUE_PREFIX'),
    supportPolicyPath: resolve(cwd, read.required('SUPPORT_POLICY')),
    authJwtSecret,
    authJwksUrl: read.url('AUTH_JWKS_URL', ['https:', 'http:']),
    intakeSecret: read.text('INTAKE_SECRET'),
    intakeMaxBytes: read.integer('INTAKE_MAX_BYTES', 1, Number.MAX_SAFE_INTEGER) ?? 0,
    smtpPort: read.integer('SMTP_PORT', 0, 65535),
    smtpHost: read.required('SMTP_HOST'),
    smtpUrl: read.url('SMTP_URL', ['smtp:', 'smtps:']),
    smtpFrom: mailbox(read, 'SMTP_FROM'),
    intakeQueuePrefix: read.required('INTAKE_QUEUE_PREFIX'),
    port: read.integer('PORT', 0, 65535) ?? 0,
    runWorker: read.boolean('RUN_WORKER') ?? true,
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS) ?? 'info',
    metricsToken: read.text('METRICS_TOKEN'),
    workerMetricsPort: read.integer('WORKER_METRICS_PORT', 0, 65535) ?? 0,
    webhookSecretKey: read.key32('WEBHOOK_SECRET_KEY'),
    webhookAllowPrivateTargets: read.boolean('WEBHOOK_ALLOW_PRIVATE_TARGETS') ?? false,
    webhookRetryScheduleMs: retrySchedule(read),
    webhookQueuePrefix: read.required('WEBHOOK_QUEUE_PREFIX'),
  };
  if (redisCluster) {
    // Every key of a BullMQ queue must be in one slot: the prefix's hash tag puts it there.
    for (const [name, prefix] of [
      ['TIMERS_QUEUE_PREFIX', config.timersQueuePrefix],
      ['WEBHOOK_QUEUE_PREFIX', config.webhookQueuePrefix],
      ['INTAKE_QUEUE_PREFIX', config.intakeQueuePrefix],
    ] as const)
      if (redisHashTag(prefix) === null)
        read.issue(name, 'must contain a hash tag such as {engine} when REDIS_CLUSTER is true');
  }
  if (read.issues.length > 0) throw new ConfigError(read.issues);
  return config;
}

const REDIS_PROTOCOLS = ['redis:', 'rediss:'];

/**
 * REDIS_URL of a cluster: one or more seed nodes, comma-separated, all with the same scheme and
 * credentials (every node gets the same), none naming a database other than 0 (a cluster has
 * only that one). The value is a secret: it is never echoed.
 */
function clusterSeeds(read: EnvReader): string {
  const value = read.required('REDIS_URL');
  const urls = redisNodeUrls(value);
  const parsed: URL[] = [];
  for (const url of urls) {
    try {
      parsed.push(new URL(url));
    } catch {
      read.issue('REDIS_URL', 'must be one or more comma-separated redis:// or rediss:// URLs');
      return '';
    }
  }
  const [first] = parsed;
  if (first === undefined) {
    read.issue('REDIS_URL', 'must name at least one node of the cluster');
    return '';
  }
  const wrong = parsed.find((url) => !REDIS_PROTOCOLS.includes(url.protocol));
  if (wrong) {
    read.issue('REDIS_URL', `must list redis: or rediss: URLs only (got a ${wrong.protocol} URL)`);
    return '';
  }
  if (parsed.some((url) => !['', '/', '/0'].includes(url.pathname))) {
    read.issue('REDIS_URL', 'must name no database other than 0 when REDIS_CLUSTER is true');
    return '';
  }
  const access = (url: URL) => [url.protocol, url.username, url.password].join(' ');
  if (parsed.some((url) => access(url) !== access(first))) {
    read.issue('REDIS_URL', 'must give every cluster node the same scheme and credentials');
    return '';
  }
  return urls.join(',');
}

/** `support@example.com` or `AlmaCare Support <support@example.com>`. */
function mailbox(read: EnvReader, name: 'SMTP_FROM'): string {
  const value = read.required(name);
  if (
    !/^(?:[^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(value) ||
    value.includes('<') !== value.endsWith('>')
  )
    read.issue(
      name,
      `must be an email address, optionally as "Name <address>" (got ${JSON.stringify(value.slice(0, 60))})`,
    );
  return value;
}

function defaultReadStore(eventStore: EventStoreKind, databaseUrl: string | null): ReadStoreKind {
  if (eventStore === 'esdb') return databaseUrl !== null ? 'postgres' : 'sqlite';
  return eventStore;
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};

/** `0,5s,5m,...`: 1 to 30 delays (a bare number is milliseconds), each at most 7 days. */
function retrySchedule(read: EnvReader): number[] {
  const text = read.required('WEBHOOK_RETRY_SCHEDULE');
  const delays = text.split(',').map((part) => {
    const match = /^\s*(\d{1,9})\s*(ms|s|m|h)?\s*$/.exec(part);
    return match ? Number(match[1]) * DURATION_UNITS_MS[match[2] ?? 'ms'] : NaN;
  });
  const week = 7 * 24 * 3_600_000;
  if (delays.length > 30 || delays.some((delay) => !(delay >= 0 && delay <= week))) {
    read.issue(
      'WEBHOOK_RETRY_SCHEDULE',
      `must be 1 to 30 comma-separated delays such as 0,5s,5m,2h (each at most 7 days; got ${JSON.stringify(text.slice(0, 60))})`,
    );
    return [];
  }
  return delays;
}

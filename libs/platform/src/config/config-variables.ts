export interface ConfigVariable {
  readonly name: string;
  /** The value used when the variable is unset; null when it stays unset or is derived. */
  readonly default: string | null;
  /** How the default is derived when it is not one literal value. */
  readonly defaultNote?: string;
  readonly description: string;
  /** Never echoed back in error messages. */
  readonly secret?: boolean;
}

/** Every environment variable the engine reads; the README's configuration table lists exactly these. */
export const CONFIG_VARIABLES = [
  {
    name: 'EVENT_STORE',
    default: 'sqlite',
    description: 'Event store: `sqlite` (embedded, one file), `postgres` or `esdb` (EventStoreDB).',
  },
  {
    name: 'READ_STORE',
    default: null,
    defaultNote: "the event store's",
    description:
      'Database of the read models: `sqlite` or `postgres`; for `esdb` the default is `postgres` when `DATABASE_URL` is set, else `sqlite`.',
  },
  {
    name: 'SQLITE_PATH',
    default: '.data/engine.sqlite',
    description:
      'SQLite file of the embedded event store, relative to the working directory; a SQLite read store uses `<name>.read.sqlite` next to it.',
  },
  {
    name: 'DATABASE_URL',
    default: null,
    description: 'PostgreSQL connection URL; required when either store is `postgres`.',
    secret: true,
  },
  {
    name: 'EVENTSTORE_URL',
    default: null,
    description: 'EventStoreDB connection string (`esdb://...`); required when `EVENT_STORE=esdb`.',
    secret: true,
  },
  {
    name: 'REDIS_URL',
    default: 'redis://127.0.0.1:6379',
    description:
      'Redis for timers, webhook deliveries and notification emails (BullMQ); with `REDIS_CLUSTER=true`, seed nodes of the cluster, comma-separated.',
    secret: true,
  },
  {
    name: 'REDIS_CLUSTER',
    default: 'false',
    description:
      '`true`: `REDIS_URL` names a Redis Cluster (database 0 only), and every `*_QUEUE_PREFIX` must contain a hash tag such as `{engine}`.',
  },
  {
    name: 'TIMERS_QUEUE_PREFIX',
    default: 'bull',
    description:
      'Key prefix of the timer queue in Redis; on Redis Cluster a hash tag such as `{engine}`.',
  },
  {
    name: 'SUPPORT_POLICY',
    default: 'policy/almacare.yaml',
    description: 'Support policy YAML document, relative to the working directory.',
  },
  {
    name: 'AUTH_JWT_SECRET',
    default: null,
    description: 'HS256 secret that verifies bearer tokens (at least 32 characters).',
    secret: true,
  },
  {
    name: 'AUTH_JWKS_URL',
    default: null,
    description:
      "Identity provider's JWKS URL; when set, tokens are verified with its keys instead.",
  },
  {
    name: 'INTAKE_SECRET',
    default: null,
    description: 'Bearer secret that `POST /intake/email` requires.',
    secret: true,
  },
  {
    name: 'INTAKE_MAX_BYTES',
    default: '26214400',
    description: 'Largest accepted inbound email in bytes (25 MB); larger ones are answered 413.',
  },
  {
    name: 'SMTP_PORT',
    default: null,
    description: 'Port of the built-in SMTP intake listener; unset: no listener.',
  },
  {
    name: 'SMTP_HOST',
    default: '127.0.0.1',
    description:
      'Address the SMTP intake listener binds to: loopback by default, `0.0.0.0` for any interface.',
  },
  {
    name: 'SMTP_URL',
    default: null,
    description: 'Outbound mail server for notifications (`smtp://` or `smtps://`).',
    secret: true,
  },
  {
    name: 'SMTP_FROM',
    default: 'support@localhost',
    description:
      "Sender of the notification emails: the support desk's intake address, so replies come back.",
  },
  {
    name: 'INTAKE_QUEUE_PREFIX',
    default: 'bull',
    description:
      'Key prefix of the email notification queue in Redis; on Redis Cluster a hash tag such as `{engine}`.',
  },
  { name: 'PORT', default: '3000', description: 'HTTP port of the API.' },
  {
    name: 'RUN_WORKER',
    default: 'true',
    description:
      'Run the worker (projections, timers, webhook delivery, email) inside the API process; `false` on API replicas when worker processes run on their own.',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    description:
      'One of `fatal`, `error`, `warn`, `info`, `debug`, `trace`; logs are JSON lines on standard output.',
  },
  {
    name: 'METRICS_TOKEN',
    default: null,
    description:
      "Bearer token that `GET /metrics` (and the worker's metrics listener) requires; unset: public.",
    secret: true,
  },
  {
    name: 'WORKER_METRICS_PORT',
    default: '9464',
    description:
      "Port of the worker program's Prometheus listener (`/metrics`); `0`: none. The API serves `/metrics` itself.",
  },
  {
    name: 'WEBHOOK_SECRET_KEY',
    default: null,
    description: 'Key that encrypts webhook secrets at rest: 32 bytes as 64 hex digits or base64.',
    secret: true,
  },
  {
    name: 'WEBHOOK_ALLOW_PRIVATE_TARGETS',
    default: 'false',
    description:
      '`true` lets webhooks reach loopback and private addresses (tests, closed networks).',
  },
  {
    name: 'WEBHOOK_RETRY_SCHEDULE',
    default: '0,5s,5m,30m,2h,5h,10h,14h,20h,24h',
    description:
      "Delays of a webhook message's attempts, comma-separated (`ms`, `s`, `m`, `h`; the first is the first attempt's), with jitter.",
  },
  {
    name: 'WEBHOOK_QUEUE_PREFIX',
    default: 'bull',
    description:
      'Key prefix of the webhook delivery queue in Redis; on Redis Cluster a hash tag such as `{engine}`.',
  },
] as const satisfies readonly ConfigVariable[];

export type ConfigVariableName = (typeof CONFIG_VARIABLES)[number]['name'];

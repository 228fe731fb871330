import { ConfigError } from './config-error';
import { loadEngineConfig } from './engine-config';

const cwd = '/srv/engine';

function failure(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadEngineConfig(env, cwd);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadEngineConfig', () => {
  it('runs on the embedded defaults with an empty environment', () => {
    expect(loadEngineConfig({}, cwd)).toEqual({
      eventStore: 'sqlite',
      readStore: 'sqlite',
      sqlitePath: '/srv/engine/.data/engine.sqlite',
      databaseUrl: null,
      eventStoreUrl: null,
      redisUrl: 'redis://127.0.0.1:6379',
      redisCluster: false,
      timersQueuePrefix: 'bull',
      supportPolicyPath: '/srv/engine/policy/almacare.yaml',
      authJwtSecret: null,
      authJwksUrl: null,
      intakeSecret: null,
      intakeMaxBytes: 26214400,
      smtpPort: null,
      smtpHost: '127.0.0.1',
      smtpUrl: null,
      smtpFrom: 'support@localhost',
      intakeQueuePrefix: 'bull',
      port: 3000,
      runWorker: true,
      logLevel: 'info',
      metricsToken: null,
      workerMetricsPort: 9464,
      webhookSecretKey: null,
      webhookAllowPrivateTargets: false,
      webhookRetryScheduleMs: [0, 5e3, 3e5, 18e5, 72e5, 18e6, 36e6, 504e5, 72e6, 864e5],
      webhookQueuePrefix: 'bull',
    });
  });

  it('reads every variable that is set', () => {
    const key = 'ab'.repeat(32);
    const config = loadEngineConfig(
      {
        EVENT_STORE: 'esdb',
        EVENTSTORE_URL: 'esdb://127.0.0.1:2113?tls=false',
        DATABASE_URL: 'postgres://app:pw@db:5432/engine',
        SQLITE_PATH: '/var/lib/engine.sqlite',
        REDIS_URL: 'rediss://cache:6380',
        SUPPORT_POLICY: 'custom/policy.yaml',
        AUTH_JWT_SECRET: 's'.repeat(32),
        AUTH_JWKS_URL: 'https://idp.example/.well-known/jwks.json',
        INTAKE_SECRET: 'intake-secret',
        INTAKE_MAX_BYTES: '1024',
        SMTP_PORT: '2525',
        SMTP_URL: 'smtp://mail:25',
        PORT: '8080',
        LOG_LEVEL: 'debug',
        WEBHOOK_SECRET_KEY: key,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      },
      cwd,
    );
    expect(config).toMatchObject({
      eventStore: 'esdb',
      readStore: 'postgres',
      sqlitePath: '/var/lib/engine.sqlite',
      supportPolicyPath: '/srv/engine/custom/policy.yaml',
      intakeMaxBytes: 1024,
      smtpPort: 2525,
      port: 8080,
      logLevel: 'debug',
      webhookAllowPrivateTargets: true,
    });
    expect(config.webhookSecretKey).toEqual(Buffer.from(key, 'hex'));
  });

  it.each([
    [{ EVENT_STORE: 'postgres', DATABASE_URL: 'postgres://db/x' }, 'postgres'],
    [{ EVENT_STORE: 'esdb', EVENTSTORE_URL: 'esdb://es:2113' }, 'sqlite'],
    [
      { EVENT_STORE: 'sqlite', READ_STORE: 'postgres', DATABASE_URL: 'postgres://db/x' },
      'postgres',
    ],
  ])('derives the read store from the event store: %j', (env, readStore) => {
    expect(loadEngineConfig(env, cwd).readStore).toBe(readStore);
  });

  it('treats empty and blank values as unset', () => {
    expect(loadEngineConfig({ PORT: '', EVENT_STORE: '  ', SMTP_PORT: '' }, cwd)).toMatchObject({
      port: 3000,
      eventStore: 'sqlite',
      smtpPort: null,
    });
  });

  it('accepts a base64 webhook key of 32 bytes', () => {
    const key = Buffer.alloc(32, 7);
    const config = loadEngineConfig({ WEBHOOK_SECRET_KEY: key.toString('base64') }, cwd);
    expect(config.webhookSecretKey).toEqual(key);
  });

  it.each([
    [{ EVENT_STORE: 'mongo' }, 'EVENT_STORE: must be one of sqlite, postgres, esdb (got "mongo")'],
    [{ READ_STORE: 'esdb' }, 'READ_STORE: must be one of sqlite, postgres (got "esdb")'],
    [{ PORT: 'abc' }, 'PORT: must be an integer from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT: must be an integer from 0 to 65535 (got "70000")'],
    [{ PORT: '80.5' }, 'PORT: must be an integer from 0 to 65535 (got "80.5")'],
    [{ SMTP_PORT: '-1' }, 'SMTP_PORT: must be an integer from 0 to 65535 (got "-1")'],
    [{ INTAKE_MAX_BYTES: '0' }, 'INTAKE_MAX_BYTES: must be an integer from 1 to'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace'],
    [{ EVENT_STORE: 'esdb' }, 'EVENTSTORE_URL: is required when EVENT_STORE=esdb'],
    [{ EVENT_STORE: 'postgres' }, 'DATABASE_URL: is required when EVENT_STORE=postgres'],
    [{ READ_STORE: 'postgres' }, 'DATABASE_URL: is required when READ_STORE=postgres'],
    [{ DATABASE_URL: 'mysql://db/x' }, 'DATABASE_URL: must be a postgres: or postgresql: URL'],
    [
      { EVENTSTORE_URL: 'not a url' },
      'EVENTSTORE_URL: must be a URL (esdb://... or esdb+discover://...)',
    ],
    [{ REDIS_URL: 'http://cache' }, 'REDIS_URL: must be a redis: or rediss: URL (got a http: URL)'],
    [{ AUTH_JWKS_URL: 'ftp://idp/keys' }, 'AUTH_JWKS_URL: must be a https: or http: URL'],
    [{ SMTP_URL: 'mail.example' }, 'SMTP_URL: must be a URL'],
    [{ SMTP_FROM: 'Support <support>' }, 'SMTP_FROM: must be an email address'],
    [{ AUTH_JWT_SECRET: 'short' }, 'AUTH_JWT_SECRET: must be at least 32 characters'],
    [{ WEBHOOK_SECRET_KEY: 'abcd' }, 'WEBHOOK_SECRET_KEY: must be 32 bytes'],
    [
      { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'maybe' },
      'WEBHOOK_ALLOW_PRIVATE_TARGETS: must be true or false (got "maybe")',
    ],
  ])('refuses %j', (env, message) => {
    const error = failure(env);
    expect(error.message).toContain(message);
    expect(error.issues).toHaveLength(1);
  });

  describe('on Redis Cluster (REDIS_CLUSTER=true)', () => {
    const tagged = {
      REDIS_CLUSTER: 'true',
      TIMERS_QUEUE_PREFIX: '{engine}',
      WEBHOOK_QUEUE_PREFIX: '{engine}:webhooks',
      INTAKE_QUEUE_PREFIX: 'intake-{mail}',
    };

    it('reads the seed nodes of REDIS_URL, one or several', () => {
      expect(loadEngineConfig({ ...tagged, REDIS_URL: 'redis://a:7000' }, cwd)).toMatchObject({
        redisCluster: true,
        redisUrl: 'redis://a:7000',
      });
      const seeds = 'rediss://app:pw@a:7000, rediss://app:pw@b:7001/0,rediss://app:pw@c:7002/';
      expect(loadEngineConfig({ ...tagged, REDIS_URL: seeds }, cwd).redisUrl).toBe(
        'rediss://app:pw@a:7000,rediss://app:pw@b:7001/0,rediss://app:pw@c:7002/',
      );
    });

    it('leaves one node the default: a list of URLs is refused there', () => {
      expect(loadEngineConfig({}, cwd).redisCluster).toBe(false);
      const error = failure({ REDIS_URL: 'redis://a:7000,redis://b:7001' });
      expect(error.issues.map((issue) => issue.variable)).toEqual(['REDIS_URL']);
    });

    it.each([
      ['TIMERS_QUEUE_PREFIX', 'bull'],
      ['WEBHOOK_QUEUE_PREFIX', 'engine'],
      ['INTAKE_QUEUE_PREFIX', '{}engine'],
      ['TIMERS_QUEUE_PREFIX', 'engine{'],
    ])('refuses %s=%s without a hash tag', (variable, prefix) => {
      const error = failure({ ...tagged, [variable]: prefix });
      expect(error.issues).toEqual([
        {
          variable,
          reason: 'must contain a hash tag such as {engine} when REDIS_CLUSTER is true',
        },
      ]);
      expect(error.message).toContain(
        `${variable}: must contain a hash tag such as {engine} when REDIS_CLUSTER is true`,
      );
    });

    it('refuses the default prefixes, naming each', () => {
      const error = failure({ REDIS_CLUSTER: 'true' });
      expect(error.issues.map((issue) => issue.variable)).toEqual([
        'TIMERS_QUEUE_PREFIX',
        'WEBHOOK_QUEUE_PREFIX',
        'INTAKE_QUEUE_PREFIX',
      ]);
    });

    it.each([
      ['redis://a:7000,http://b:7001', 'REDIS_URL: must list redis: or rediss: URLs only'],
      ['redis://a:7000,b:7001', 'REDIS_URL: must list redis: or rediss: URLs only'],
      ['redis://a:7000,not a url', 'REDIS_URL: must be one or more comma-separated redis://'],
      ['redis://a:7000/1', 'REDIS_URL: must name no database other than 0'],
      ['redis://a:7000,redis://b:7001/2', 'REDIS_URL: must name no database other than 0'],
      ['redis://a:7000,rediss://b:7001', 'REDIS_URL: must give every cluster node the same'],
      ['redis://:pw@a:7000,redis://b:7001', 'REDIS_URL: must give every cluster node the same'],
      [' , ', 'REDIS_URL: must name at least one node'],
    ])('refuses REDIS_URL=%j', (url, message) => {
      const error = failure({ ...tagged, REDIS_URL: url });
      expect(error.message).toContain(message);
      expect(error.issues).toHaveLength(1);
    });

    it('never echoes the URL', () => {
      const error = failure({ ...tagged, REDIS_URL: 'redis://:hunter2@a:7000/3' });
      expect(error.message).not.toContain('hunter2');
    });

    it('refuses a REDIS_CLUSTER that is not a boolean', () => {
      expect(failure({ REDIS_CLUSTER: 'yes' }).message).toContain(
        'REDIS_CLUSTER: must be true or false (got "yes")',
      );
    });
  });

  it('reports every mistake at once', () => {
    const error = failure({ EVENT_STORE: 'mongo', PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(error.issues.map((issue) => issue.variable)).toEqual([
      'EVENT_STORE',
      'PORT',
      'LOG_LEVEL',
    ]);
    expect(error.message.split('; ')).toHaveLength(3);
  });

  it('never echoes a secret value', () => {
    const error = failure({
      DATABASE_URL: 'mysql://user:hunter2@db/x',
      REDIS_URL: 'http://:hunter2@cache',
    });
    expect(error.message).not.toContain('hunter2');
  });
});

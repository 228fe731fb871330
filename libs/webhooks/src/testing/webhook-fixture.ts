import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { createEventStore, type EventStore, type RecordedEvent } from '@engine/event-store';
import { createSqlDatabase, type SqlDatabase } from '@engine/platform';
import {
  createProjectionStore,
  migrateReadModels,
  type ProjectionStore,
} from '@engine/read-models';
import { DeliveryLog } from '../delivery-log';
import { SecretCipher } from '../secret-cipher';
import { generateSigningSecret } from '../signing-secret';
import { runWebhookCommand } from '../subscriptions';
import { WEBHOOK_MIGRATIONS } from '../webhook.migrations';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A SQLite event store and read store in a temp directory, migrated, with a secret key. */
export interface WebhookFixture {
  readonly store: EventStore;
  readonly database: SqlDatabase;
  readonly projections: ProjectionStore;
  readonly log: DeliveryLog;
  readonly cipher: SecretCipher;
  /** Records `webhook.subscribed` as the administrator; returns its id and secret in clear. */
  subscribe(
    url: string,
    options?: { types?: string[]; customerId?: string | null },
  ): Promise<{ webhookId: string; secret: string }>;
  /** Appends an incident event as the command side would (only what webhooks read of it). */
  incidentEvent(
    incidentId: string,
    type: string,
    data?: Record<string, unknown>,
  ): Promise<RecordedEvent>;
  close(): Promise<void>;
}

export async function webhookFixture(): Promise<WebhookFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-int-'));
  const store = await createEventStore({ kind: 'sqlite', sqlitePath: join(dir, 'engine.sqlite') });
  const database = await createSqlDatabase({
    kind: 'sqlite',
    sqlitePath: join(dir, 'engine.read.sqlite'),
  });
  await database.migrate(WEBHOOK_MIGRATIONS);
  await migrateReadModels(database);
  const projections = createProjectionStore(database);
  const cipher = new SecretCipher(randomBytes(32));
  const now = () => new Date().toISOString();
  return {
    store,
    database,
    projections,
    log: new DeliveryLog(database),
    cipher,
    async subscribe(url, options = {}) {
      const webhookId = randomUUID();
      const secret = generateSigningSecret();
      await runWebhookCommand(
        store,
        webhookId,
        {
          type: 'SubscribeWebhook',
          data: {
            webhookId,
            url,
            types: options.types ?? ['incident.*'],
            customerId: options.customerId ?? null,
            secret: cipher.seal(secret, webhookId),
          },
          meta: { now: now(), actor: { id: 'admin-1', role: 'admin' } },
        },
        { commandId: randomUUID() },
      );
      return { webhookId, secret };
    },
    async incidentEvent(incidentId, type, data = {}) {
      const streamId = `incident-${incidentId}`;
      const event = {
        id: randomUUID(),
        type,
        data,
        metadata: {
          occurredAt: now(),
          actor: { id: 'eng-1', role: 'engineer' as const },
          correlationId: randomUUID(),
          causationId: null,
        },
      };
      const { positions, nextVersion } = await store.append(streamId, [event], 'any');
      return { ...event, streamId, version: nextVersion, position: positions[0] };
    },
    async close() {
      await projections.close();
      await database.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deletes every Redis key of a test's queue prefix. */
export async function deleteQueueKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

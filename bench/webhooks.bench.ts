import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
// Relative imports (not the @engine alias) so that any TypeScript runner can load this file.
import { createEventStore } from '../libs/event-store/src/event-store.factory';
import type { EventStore, NewEvent } from '../libs/event-store/src/event-store.port';
import { createSqlDatabase } from '../libs/platform/src/database/sql-database';
import { createProjectionStore, migrateReadModels } from '../libs/read-models/src';
import {
  DeliveryLog,
  DeliveryQueue,
  SecretCipher,
  WEBHOOK_MIGRATIONS,
  WebhookDeliverer,
  DeliveryWorker,
  createWebhookDispatcher,
  generateSigningSecret,
  readSubscription,
  replayDeliveries,
  runWebhookCommand,
} from '../libs/webhooks/src';
import { deleteQueueKeys } from '../libs/webhooks/src/testing/webhook-fixture';
import { percentile } from './bench-stats';

export interface WebhooksBenchRow {
  readonly name: string;
  readonly store: 'sqlite';
  readonly value: number;
  readonly unit: string;
  readonly target?: { readonly min?: number; readonly max?: number };
  readonly note?: string;
}

/** Events appended at once for the throughput figures. */
const BURST = Number(process.env.WEBHOOKS_BENCH_BURST ?? 2_000);
/** The steady rate (events/s) and duration of the latency figure. */
const RATE = Number(process.env.WEBHOOKS_BENCH_RATE ?? 50);
const STEADY_MS = Number(process.env.WEBHOOKS_BENCH_STEADY_MS ?? 10_000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const commented = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'incident.commented',
  data: {
    at: new Date().toISOString(),
    side: 'vendor',
    message: `Update number ${n} on the case.`,
  },
  metadata: {
    occurredAt: new Date().toISOString(),
    actor: { id: 'bench', role: 'engineer' },
    correlationId: 'bench',
    causationId: null,
  },
});

/** A local receiver that verifies every request with the standardwebhooks package. */
async function startReceiver(secret: string) {
  const verifier = new Webhook(secret);
  const received = new Map<string, number>();
  let rejected = 0;
  let waiting: { count: number; resolve: () => void } | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      try {
        verifier.verify(
          Buffer.concat(chunks).toString('utf8'),
          request.headers as Record<string, string>,
        );
        received.set(String(request.headers['webhook-id']), performance.now());
      } catch {
        rejected += 1;
      }
      response.writeHead(204).end();
      if (waiting && received.size >= waiting.count) waiting.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    rejected: () => rejected,
    /** Resolves once `count` distinct webhook ids arrived (or after `ms`). */
    until: (count: number, ms = 120_000) =>
      Promise.race([
        new Promise<void>((resolve) => {
          waiting = { count, resolve };
          if (received.size >= count) resolve();
        }),
        sleep(ms).then(() => {
          throw new Error(`only ${received.size} of ${count} deliveries arrived`);
        }),
      ]),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Appends `count` events over 50 incident streams; returns each event id's append time. */
async function appendBurst(store: EventStore, count: number): Promise<Map<string, number>> {
  const appended = new Map<string, number>();
  for (let n = 0; n < count; n += 10) {
    const batch = Array.from({ length: Math.min(10, count - n) }, (_, k) => commented(n + k));
    await store.append(`incident-bench-${(n / 10) % 50}`, batch, 'any');
    const at = performance.now();
    for (const event of batch) appended.set(event.id, at);
  }
  return appended;
}

/**
 * Signed webhook deliveries end to end on one machine: a SQLite event store and read store, the
 * dispatcher following the feed, 16 delivery workers on a real Redis (a throwaway queue prefix),
 * and a local receiver that verifies every signature with the standardwebhooks package.
 */
export async function runWebhooksBench(): Promise<WebhooksBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'webhooks-bench-'));
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const store = await createEventStore({ kind: 'sqlite', sqlitePath: join(dir, 'engine.sqlite') });
  const database = await createSqlDatabase({
    kind: 'sqlite',
    sqlitePath: join(dir, 'engine.read.sqlite'),
  });
  await database.migrate(WEBHOOK_MIGRATIONS);
  await migrateReadModels(database);
  const projections = createProjectionStore(database);
  const cipher = new SecretCipher(randomBytes(32));
  const secret = generateSigningSecret();
  const receiver = await startReceiver(secret);
  const settings = { redisUrl: REDIS_URL, prefix, scheduleMs: [0, 1_000, 5_000] };
  const queue = new DeliveryQueue(settings);
  const log = new DeliveryLog(database);
  const worker = new DeliveryWorker(
    settings,
    new WebhookDeliverer({ store, cipher, log, allowPrivateTargets: true }),
  );
  const dispatcher = createWebhookDispatcher(store, projections, queue);
  const webhookId = randomUUID();
  try {
    await runWebhookCommand(
      store,
      webhookId,
      {
        type: 'SubscribeWebhook',
        data: {
          webhookId,
          url: receiver.url,
          types: ['incident.*'],
          customerId: null,
          secret: cipher.seal(secret, webhookId),
        },
        meta: { now: new Date().toISOString(), actor: { id: 'bench', role: 'admin' } },
      },
      { commandId: randomUUID() },
    );
    dispatcher.start();

    // Warm-up: connections, JIT, prepared statements.
    await appendBurst(store, 200);
    await receiver.until(200);
    receiver.received.clear();

    const burstStarted = performance.now();
    await appendBurst(store, BURST);
    await receiver.until(BURST);
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    receiver.received.clear();

    // Steady traffic: one event every 1000/RATE ms, each timed from its append to its receipt.
    const appended = new Map<string, number>();
    const steadyStarted = performance.now();
    for (let n = 0; performance.now() - steadyStarted < STEADY_MS; n += 1) {
      const event = commented(n);
      await store.append(`incident-steady-${n % 50}`, [event], 'any');
      appended.set(event.id, performance.now());
      const next = steadyStarted + ((n + 1) * 1000) / RATE;
      await sleep(Math.max(0, next - performance.now()));
    }
    await receiver.until(appended.size);
    const latencies = [...appended].map(([id, at]) => receiver.received.get(id)! - at);
    receiver.received.clear();

    const { state } = await readSubscription(store, webhookId);
    if (state.status !== 'enabled') throw new Error('the bench subscription is not enabled');
    const replayStarted = performance.now();
    const { deliveries } = await replayDeliveries(
      store,
      queue,
      state,
      { kind: 'position', position: 0n },
      randomUUID(),
    );
    await receiver.until(deliveries);
    const replaySeconds = (performance.now() - replayStarted) / 1000;
    if (receiver.rejected() > 0)
      throw new Error(`${receiver.rejected()} deliveries did not verify`);

    const steadyNote = `${appended.size} events at ${RATE}/s, append to verified receipt`;
    return [
      {
        name: `signed deliveries, burst of ${BURST} events`,
        store: 'sqlite',
        value: BURST / burstSeconds,
        unit: 'deliveries/s',
        target: { min: 200 },
        note: 'append to the last verified receipt; 16 concurrent deliveries',
      },
      {
        name: 'event-to-receipt latency p50',
        store: 'sqlite',
        value: percentile(latencies, 50),
        unit: 'ms',
        note: steadyNote,
      },
      {
        name: 'event-to-receipt latency p99',
        store: 'sqlite',
        value: percentile(latencies, 99),
        unit: 'ms',
        target: { max: 1_000 },
        note: steadyNote,
      },
      {
        name: `replay of ${deliveries} events`,
        store: 'sqlite',
        value: deliveries / replaySeconds,
        unit: 'deliveries/s',
        note: 'scan the feed, enqueue, deliver, verify',
      },
    ];
  } finally {
    await dispatcher.stop();
    await worker.close();
    await queue.close();
    await receiver.close();
    await projections.close();
    await database.close();
    await store.close();
    await deleteQueueKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { expectStrictlyIncreasing, metadata } from './event-store.contract-kit';
import type { NewEvent, RecordedEvent } from './event-store.port';
import { PostgresEventStore } from './postgres-event-store.adapter';
import { createTestDatabase, type TestDatabase } from './postgres-event-store.test-database';

const WRITERS = 8;
const EVENTS_PER_WRITER = 1_000;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Half the writers commit late (a random pause inside the transaction, after the INSERT), so that
 * commits regularly happen out of position order: exactly the case where a reader that trusts
 * `position > checkpoint` alone skips events for good. A naive follower doing just that runs
 * alongside, to show the race really happens; the store's own subscription must see every event.
 */
describe('PostgreSQL event store under concurrent writers', () => {
  it(`${WRITERS} writers x ${EVENTS_PER_WRITER} events: the subscriber sees each once, in position order`, async () => {
    const connectionString = database.url;
    const fast = await PostgresEventStore.connect({ connectionString, poolSize: 8 });
    const slow = await PostgresEventStore.connect({
      connectionString,
      poolSize: 8,
      beforeCommit: () => sleep(Math.random() * 4),
    });
    const reader = await PostgresEventStore.connect({ connectionString, pollIntervalMs: 100 });
    const total = WRITERS * EVENTS_PER_WRITER;
    const seen: RecordedEvent[] = [];
    const subscription = reader.subscribe(0n, async (event) => {
      seen.push(event);
    });
    const naive = naiveFollower(connectionString);
    const commitOrder: bigint[] = [];
    const writer = async (index: number) => {
      const store = index % 2 === 0 ? fast : slow;
      const versions = [0n, 0n, 0n, 0n];
      for (let round = 0, written = 0; written < EVENTS_PER_WRITER; round += 1) {
        const size = Math.min(1 + (round % 5), EVENTS_PER_WRITER - written);
        const batch: NewEvent[] = Array.from({ length: size }, () => ({
          id: randomUUID(),
          type: 'load.tested',
          data: { writer: index },
          metadata: metadata(),
        }));
        const stream = round % 4;
        const result = await store.append(`w${index}-${stream}`, batch, versions[stream]);
        commitOrder.push(result.positions[0]);
        versions[stream] = result.nextVersion;
        written += size;
      }
    };
    try {
      await Promise.all(Array.from({ length: WRITERS }, (_, index) => writer(index)));
      const deadline = Date.now() + 20_000;
      while (seen.length < total && Date.now() < deadline) await sleep(20);
      await sleep(300);
      const outOfOrderCommits = commitOrder.filter(
        (position, i) => i > 0 && position < commitOrder[i - 1],
      ).length;
      const skippedByNaive = total - (await naive.stop());
      console.info(
        `PostgreSQL load: ${outOfOrderCommits} appends committed after a higher position; ` +
          `a position-only follower skipped ${skippedByNaive} of ${total} events; the subscription saw ${seen.length}`,
      );
      expect(outOfOrderCommits).toBeGreaterThan(0);
      // Rule 1 of the adapter: transaction ids never decrease along positions.
      expect(await transactionIdInversions(connectionString)).toBe(0);
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((event) => event.id)).size).toBe(total);
      expectStrictlyIncreasing(seen.map((event) => event.position));
      const versions = new Map<string, bigint>();
      for (const event of seen) {
        expect(event.version).toBe((versions.get(event.streamId) ?? 0n) + 1n);
        versions.set(event.streamId, event.version);
      }
    } finally {
      await naive.stop();
      await subscription.stop();
      await Promise.all([fast.close(), slow.close(), reader.close()]);
    }
  }, 60_000);
});

async function transactionIdInversions(connectionString: string): Promise<number> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ inversions: string }>(
      `SELECT count(*) AS inversions FROM (
         SELECT transaction_id < lag(transaction_id) OVER (ORDER BY position) AS inverted FROM events
       ) AS pairs WHERE inverted`,
    );
    return Number(rows[0].inversions);
  } finally {
    await client.end();
  }
}

/** Follows `position > checkpoint` without the transaction horizon; returns how many events it saw. */
function naiveFollower(connectionString: string) {
  const client = new Client({ connectionString });
  let stopped = false;
  let count = 0;
  const running = (async () => {
    await client.connect();
    let checkpoint = '0';
    while (!stopped) {
      const { rows } = await client.query<{ position: string }>(
        'SELECT position FROM events WHERE position > $1 ORDER BY position LIMIT 1000',
        [checkpoint],
      );
      count += rows.length;
      if (rows.length > 0) checkpoint = rows[rows.length - 1].position;
      else await sleep(2);
    }
    await client.end();
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      return count;
    },
  };
}

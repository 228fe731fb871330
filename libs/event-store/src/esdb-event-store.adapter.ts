import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  type JSONType,
  START,
  type ReadPosition,
} from '@eventstore/db-client';
import { StoreUnavailableError, WrongExpectedVersionError } from './event-store.errors';
import type {
  AppendResult,
  EventHandler,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store.port';
import {
  checkExpectedVersion,
  checkFeedArgs,
  normaliseBatch,
  replayedResult,
} from './event-store.rules';
import {
  isStreamNotFound,
  mapEsdbError,
  matchesPrefixes,
  revisionToVersion,
  toExpectedRevision,
  toPosition,
  toRecordedEvent,
  versionToRevision,
} from './esdb-event-store.mapping';
import { subscribeToAllFrom } from './esdb-event-store.subscription';
import { SubscriptionRegistry } from './polling-subscription';

export interface EsdbEventStoreOptions {
  /** e.g. `esdb://127.0.0.1:2113?tls=false`, or a cluster connection string. */
  readonly connectionString: string;
}

const READ_ALL_PAGE = 512;

/**
 * EventStoreDB / KurrentDB adapter: streams map one to one, the feed is $all without system events.
 * The server checks expected revisions; idempotency by event id is completed here, because the
 * server only recognises a replay sent with the original expected revision: before writing, the
 * stream is searched for the batch's ids, and after a WrongExpectedVersion it is searched again (a
 * concurrent replay). Event ids are unique per stream here; the server does not index them globally.
 */
export class EsdbEventStore implements EventStore {
  private readonly subscriptions = new SubscriptionRegistry();
  private closed = false;

  private constructor(private readonly client: EventStoreDBClient) {}

  /** Connects and checks the server answers. @throws StoreUnavailableError */
  static async connect(options: EsdbEventStoreOptions): Promise<EsdbEventStore> {
    const store = new EsdbEventStore(EventStoreDBClient.connectionString(options.connectionString));
    try {
      await store.ping();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    expected: ExpectedVersion,
  ): Promise<AppendResult> {
    const batch = normaliseBatch(streamId, events);
    const replay = await this.findReplay(streamId, batch);
    if (replay) return replay;
    if (batch.length === 0) {
      const current = (await this.readStream(streamId)).at(-1)?.version ?? 0n;
      checkExpectedVersion(streamId, expected, current);
      return { nextVersion: current, positions: [] };
    }
    let nextVersion: bigint;
    try {
      const result = await this.client.appendToStream(
        streamId,
        batch.map((event) =>
          jsonEvent({
            id: event.id,
            type: event.type,
            data: event.data as JSONType,
            metadata: event.metadata,
          }),
        ),
        { expectedRevision: toExpectedRevision(expected) },
      );
      nextVersion = revisionToVersion(result.nextExpectedRevision);
    } catch (error) {
      const mapped = mapEsdbError(error, streamId, expected);
      if (mapped instanceof WrongExpectedVersionError) {
        const concurrentReplay = await this.findReplay(streamId, batch);
        if (concurrentReplay) return concurrentReplay;
      }
      throw mapped;
    }
    // The append result carries one position for the whole write: read the batch back for each one.
    const ids = new Set(batch.map((event) => event.id));
    const written = await this.readStream(streamId, {
      fromVersion: nextVersion - BigInt(batch.length) + 1n,
    });
    const result =
      replayedResult(
        streamId,
        batch,
        written.filter((event) => ids.has(event.id)),
      ) ?? (await this.findReplay(streamId, batch));
    if (!result)
      throw new Error(`internal: the events just appended to ${streamId} cannot be read back`);
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const fromVersion = options.fromVersion ?? 1n;
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        direction: FORWARDS,
        fromRevision: fromVersion <= 1n ? START : versionToRevision(fromVersion),
      });
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw mapEsdbError(error);
    }
    return events;
  }

  async readAll(
    from: bigint,
    limit: number,
    options: ReadAllOptions = {},
  ): Promise<RecordedEvent[]> {
    checkFeedArgs(from, limit);
    this.assertOpen();
    // readAll has no server-side filter in this client: system events and prefixes are filtered here.
    const events: RecordedEvent[] = [];
    let after = from;
    let fromPosition: ReadPosition = from === 0n ? START : toPosition(from);
    try {
      for (;;) {
        let count = 0;
        const read = this.client.readAll({
          direction: FORWARDS,
          fromPosition,
          maxCount: READ_ALL_PAGE,
        });
        for await (const resolved of read) {
          count += 1;
          const position = resolved.event?.position;
          if (!position || position.commit <= after) continue;
          after = position.commit;
          fromPosition = position;
          const event = toRecordedEvent(resolved);
          if (!event || !matchesPrefixes(event.streamId, options.streamPrefixes)) continue;
          events.push(event);
          if (events.length === limit) {
            await read.cancel();
            return events;
          }
        }
        if (count < READ_ALL_PAGE) return events;
      }
    } catch (error) {
      throw mapEsdbError(error);
    }
  }

  subscribe(from: bigint, handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    checkFeedArgs(from);
    this.assertOpen();
    return this.subscriptions.track(subscribeToAllFrom(this.client, from, handler, options));
  }

  async ping(): Promise<void> {
    this.assertOpen();
    try {
      for await (const _ of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
      }))
        break;
    } catch (error) {
      const mapped = mapEsdbError(error);
      throw mapped instanceof StoreUnavailableError
        ? mapped
        : new StoreUnavailableError(`EventStoreDB: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.stopAll();
    await this.client.dispose();
  }

  /** The original result when the whole batch is already in the stream; throws on a partial one. */
  private async findReplay(
    streamId: string,
    batch: readonly NewEvent[],
  ): Promise<AppendResult | null> {
    if (batch.length === 0) return null;
    const ids = new Set(batch.map((event) => event.id));
    const recorded = (await this.readStream(streamId)).filter((event) => ids.has(event.id));
    return replayedResult(streamId, batch, recorded);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the EventStoreDB event store is closed');
  }
}

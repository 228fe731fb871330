import { EsdbEventStore } from './esdb-event-store.adapter';
import { describeEventStoreContract } from './event-store.contract';
import type { EventStore } from './event-store.port';

const url = process.env.EVENTSTORE_URL;

if (url) {
  /** EventStoreDB cannot create throwaway databases: every test uses its own stream prefix instead. */
  describeEventStoreContract('EventStoreDB', async () => {
    const opened: EventStore[] = [];
    const open = async () => {
      const store = await EsdbEventStore.connect({ connectionString: url });
      opened.push(store);
      return store;
    };
    return {
      store: await open(),
      reopen: open,
      cleanup: async () => {
        await Promise.all(opened.map((store) => store.close()));
      },
      globalEventIds: false,
    };
  });
} else {
  const reason =
    'EventStoreDB contract suite skipped: EVENTSTORE_URL is not set ' +
    '(start one as docs/eventstoredb.md shows: docker compose -f docker/compose.yml up -d eventstore)';
  it(reason, () => {
    console.warn(reason);
  });
}

import type { EventStore, RecordedEvent } from './event-store.port';
import {
  collector,
  type EventStoreContractSubject,
  eventually,
  expectStrictlyIncreasing,
  feedOf,
  newEvent,
} from './event-store.contract-kit';

type Current = () => { subject: EventStoreContractSubject; prefix: string };

const ids = (events: readonly RecordedEvent[]) => events.map((event) => event.id);

/** readAll and subscribe: global order, paging, prefixes, catch-up then live, resuming. */
export function describeFeedContract(current: Current): void {
  const store = (): EventStore => current().subject.store;

  describe('the feed', () => {
    it('is in append order across streams, positions strictly increasing', async () => {
      const { prefix: p } = current();
      const a1 = newEvent('a.1');
      const [b1, b2] = [newEvent('b.1'), newEvent('b.2')];
      const a2 = newEvent('a.2');
      const first = await store().append(`${p}-a`, [a1], 'no-stream');
      await store().append(`${p}-b`, [b1, b2], 'no-stream');
      await store().append(`${p}-a`, [a2], 1n);
      const ours = await feedOf(store(), [p], 4);
      expect(ids(ours)).toEqual(ids([a1, b1, b2, a2] as RecordedEvent[]));
      // Unfiltered, from the first append on (a shared server may hold older events before it).
      const after = await eventually(
        () => store().readAll(first.positions[0], 1_000),
        (events) => events.filter((event) => event.streamId.startsWith(p)).length >= 3,
      );
      expectStrictlyIncreasing([first.positions[0], ...after.map((event) => event.position)]);
      expect(ids(after.filter((event) => event.streamId.startsWith(p)))).toEqual(
        ids([b1, b2, a2] as RecordedEvent[]),
      );
      expect(ours.map((event) => event.position)).toEqual([
        first.positions[0],
        ...after.filter((event) => event.streamId.startsWith(p)).map((event) => event.position),
      ]);
    });

    it('pages from an exclusive position', async () => {
      const { prefix: p } = current();
      const appended = [newEvent('1'), newEvent('2'), newEvent('3'), newEvent('4'), newEvent('5')];
      await store().append(`${p}-a`, appended.slice(0, 2), 'no-stream');
      await store().append(`${p}-b`, appended.slice(2, 3), 'no-stream');
      await store().append(`${p}-a`, appended.slice(3), 2n);
      const all = await feedOf(store(), [p], 5);
      expect(ids(all)).toEqual(ids(appended as RecordedEvent[]));
      const pages: RecordedEvent[][] = [];
      for (let from = 0n; ;) {
        const page = await store().readAll(from, 2, { streamPrefixes: [p] });
        if (page.length === 0) break;
        pages.push(page);
        from = page[page.length - 1].position;
      }
      expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
      expect(ids(pages.flat())).toEqual(ids(all));
      expect(ids(await store().readAll(all[1].position, 2, { streamPrefixes: [p] }))).toEqual(
        ids(all.slice(2, 4)),
      );
      expect(await store().readAll(all[4].position, 10, { streamPrefixes: [p] })).toEqual([]);
    });

    it('filters by stream prefixes, case-sensitively', async () => {
      const { prefix: p } = current();
      await store().append(`${p}-incident-1`, [newEvent('incident.opened')], 'no-stream');
      await store().append(`${p}-customer-1`, [newEvent('customer.registered')], 'no-stream');
      await store().append(`${p}-incident-2`, [newEvent('incident.opened')], 'no-stream');
      await feedOf(store(), [p], 3);
      const incidents = await store().readAll(0n, 100, { streamPrefixes: [`${p}-incident-`] });
      expect(incidents.map((event) => event.streamId)).toEqual([
        `${p}-incident-1`,
        `${p}-incident-2`,
      ]);
      const both = await store().readAll(0n, 100, {
        streamPrefixes: [`${p}-customer-`, `${p}-incident-1`],
      });
      expect(both.map((event) => event.streamId)).toEqual([`${p}-incident-1`, `${p}-customer-1`]);
      expect(await store().readAll(0n, 100, { streamPrefixes: [`${p}-INCIDENT-`] })).toEqual([]);
    });
  });

  describe('subscriptions', () => {
    it('catch up, then deliver live appends, in order and once each', async () => {
      const { prefix: p } = current();
      const history = [newEvent('1'), newEvent('2'), newEvent('3')];
      await store().append(`${p}-a`, history.slice(0, 2), 'no-stream');
      await store().append(`${p}-b`, history.slice(2), 'no-stream');
      const seen = collector();
      const subscription = store().subscribe(0n, seen.handler, { streamPrefixes: [p] });
      await seen.waitFor(3);
      const live = [newEvent('4'), newEvent('5'), newEvent('6')];
      await store().append(`${p}-a`, live.slice(0, 1), 2n);
      await store().append(`${p}-c`, live.slice(1), 'no-stream');
      await seen.waitFor(6);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await subscription.stop();
      expect(ids(seen.events)).toEqual(ids([...history, ...live] as RecordedEvent[]));
      expectStrictlyIncreasing(seen.events.map((event) => event.position));
    });

    it('start after the given position', async () => {
      const { prefix: p } = current();
      await store().append(`${p}-a`, [newEvent('1'), newEvent('2'), newEvent('3')], 'no-stream');
      const all = await feedOf(store(), [p], 3);
      const seen = collector();
      const subscription = store().subscribe(all[0].position, seen.handler, {
        streamPrefixes: [p],
      });
      await seen.waitFor(2);
      await subscription.stop();
      expect(ids(seen.events)).toEqual(ids(all.slice(1)));
    });

    it('resume from a checkpoint after a restart: only newer events arrive', async () => {
      const { subject, prefix: p } = current();
      await subject.store.append(`${p}-a`, [newEvent('1'), newEvent('2')], 'no-stream');
      const before = collector();
      const first = subject.store.subscribe(0n, before.handler, { streamPrefixes: [p] });
      await before.waitFor(2);
      await first.stop();
      const checkpoint = before.events[1].position;
      await subject.store.close();
      const reopened = await subject.reopen();
      try {
        const third = newEvent('3');
        await reopened.append(`${p}-b`, [third], 'no-stream');
        const after = collector();
        const resumed = reopened.subscribe(checkpoint, after.handler, { streamPrefixes: [p] });
        await after.waitFor(1);
        const fourth = newEvent('4');
        await reopened.append(`${p}-a`, [fourth], 2n);
        await after.waitFor(2);
        await resumed.stop();
        expect(ids(after.events)).toEqual([third.id, fourth.id]);
      } finally {
        await reopened.close();
      }
    });

    it('stop on a failing handler, report it, and deliver nothing after it', async () => {
      const { prefix: p } = current();
      await store().append(`${p}-a`, [newEvent('1'), newEvent('boom'), newEvent('3')], 'no-stream');
      const handled: string[] = [];
      const reported: Array<{ error: unknown; type?: string; willRetry: boolean }> = [];
      store().subscribe(
        0n,
        async (event) => {
          if (event.type === 'boom') throw new Error('handler failed');
          handled.push(event.type);
        },
        {
          streamPrefixes: [p],
          onError: (error, context) =>
            reported.push({ error, type: context.event?.type, willRetry: context.willRetry }),
        },
      );
      await eventually(
        async () => reported.length,
        (count) => count > 0,
      );
      await store().append(`${p}-a`, [newEvent('4')], 3n);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(handled).toEqual(['1']);
      expect(reported).toEqual([
        { error: new Error('handler failed'), type: 'boom', willRetry: false },
      ]);
    });

    it('deliver nothing once stopped', async () => {
      const { prefix: p } = current();
      const seen = collector();
      const subscription = store().subscribe(0n, seen.handler, { streamPrefixes: [p] });
      await store().append(`${p}-a`, [newEvent('1')], 'no-stream');
      await seen.waitFor(1);
      await subscription.stop();
      await store().append(`${p}-a`, [newEvent('2')], 1n);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(seen.events).toHaveLength(1);
    });
  });
}

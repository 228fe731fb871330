import { randomUUID } from 'node:crypto';
import {
  EventIdConflictError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from './event-store.errors';
import { describeCommandContract } from './event-store-commands.contract';
import {
  type EventStoreContractFactory,
  type EventStoreContractSubject,
  eventually,
  expectStrictlyIncreasing,
  metadata,
  newEvent,
  uniquePrefix,
} from './event-store.contract-kit';
import { describeFeedContract } from './event-store-feed.contract';

export type {
  EventStoreContractFactory,
  EventStoreContractSubject,
} from './event-store.contract-kit';

/**
 * The one contract every adapter passes. Each test gets a fresh subject from `factory` and uses
 * stream ids under its own prefix, so the suite also runs against a shared server.
 */
export function describeEventStoreContract(name: string, factory: EventStoreContractFactory): void {
  describe(`${name} event store contract`, () => {
    let subject: EventStoreContractSubject;
    let p: string;
    const current = () => ({ subject, prefix: p });

    beforeEach(async () => {
      subject = await factory();
      p = uniquePrefix();
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe('append and readStream', () => {
      it('appends a batch and reads it back with versions from 1 and increasing positions', async () => {
        const events = [
          newEvent('thing.created', { name: 'ü €', nested: { list: [1, 'two', null] } }),
          newEvent('thing.renamed'),
        ];
        const result = await subject.store.append(`${p}-a`, events, 'no-stream');
        expect(result.nextVersion).toBe(2n);
        expect(result.positions).toHaveLength(2);
        expectStrictlyIncreasing(result.positions);
        const read = await subject.store.readStream(`${p}-a`);
        expect(read.map((e) => [e.id, e.type, e.streamId, e.version, e.position])).toEqual([
          [events[0].id, 'thing.created', `${p}-a`, 1n, result.positions[0]],
          [events[1].id, 'thing.renamed', `${p}-a`, 2n, result.positions[1]],
        ]);
        expect(read[0].data).toEqual(events[0].data);
        expect(read[0].metadata).toEqual(events[0].metadata);
      });

      it('keeps extra metadata keys and reads from a version', async () => {
        const first = {
          ...newEvent('thing.created'),
          metadata: metadata({ causationId: 'c-9', tenant: 'x' }),
        };
        await subject.store.append(
          `${p}-a`,
          [first, newEvent('thing.renamed'), newEvent('thing.closed')],
          'any',
        );
        expect((await subject.store.readStream(`${p}-a`))[0].metadata).toEqual(first.metadata);
        const tail = await subject.store.readStream(`${p}-a`, { fromVersion: 2n });
        expect(tail.map((e) => e.version)).toEqual([2n, 3n]);
      });

      it('reads an unknown stream as empty', async () => {
        await expect(subject.store.readStream(`${p}-nothing`)).resolves.toEqual([]);
      });

      it('refuses ids that are not UUIDs and stream ids starting with $', async () => {
        await expect(
          subject.store.append(`${p}-a`, [{ ...newEvent('x'), id: 'nope' }], 'any'),
        ).rejects.toThrow(TypeError);
        await expect(subject.store.append('$system', [newEvent('x')], 'any')).rejects.toThrow(
          TypeError,
        );
      });
    });

    describe('expected version', () => {
      const seed = async () =>
        (await subject.store.append(`${p}-a`, [newEvent('thing.created')], 'no-stream'))
          .nextVersion;

      it('no-stream (or 0n) on an existing stream is refused with the actual version', async () => {
        await seed();
        for (const expected of ['no-stream', 0n] as const) {
          const error = await subject.store
            .append(`${p}-a`, [newEvent('x')], expected)
            .catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error).toMatchObject({
            streamId: `${p}-a`,
            expected,
            actual: 1n,
            code: 'wrong-expected-version',
          });
        }
        expect(await subject.store.readStream(`${p}-a`)).toHaveLength(1);
      });

      it('an exact version that matches appends after it', async () => {
        const version = await seed();
        const result = await subject.store.append(
          `${p}-a`,
          [newEvent('x'), newEvent('y')],
          version,
        );
        expect(result.nextVersion).toBe(3n);
      });

      it('an exact version that does not match is refused, also on a missing stream', async () => {
        await seed();
        await subject.store.append(`${p}-a`, [newEvent('x')], 1n);
        await expect(subject.store.append(`${p}-a`, [newEvent('y')], 1n)).rejects.toMatchObject({
          actual: 2n,
          expected: 1n,
        });
        await expect(subject.store.append(`${p}-b`, [newEvent('y')], 3n)).rejects.toMatchObject({
          actual: 0n,
        });
        expect(await subject.store.readStream(`${p}-a`)).toHaveLength(2);
        expect(await subject.store.readStream(`${p}-b`)).toEqual([]);
      });

      it('any appends to new and existing streams', async () => {
        await expect(subject.store.append(`${p}-a`, [newEvent('x')], 'any')).resolves.toMatchObject(
          { nextVersion: 1n },
        );
        await expect(subject.store.append(`${p}-a`, [newEvent('y')], 'any')).resolves.toMatchObject(
          { nextVersion: 2n },
        );
      });
    });

    describe('idempotent appends by event id', () => {
      it('re-appending the same batch writes nothing and returns the original result, whatever expected says', async () => {
        const batch = [newEvent('thing.created', { n: 1 }), newEvent('thing.renamed', { n: 2 })];
        const first = await subject.store.append(`${p}-a`, batch, 'no-stream');
        expect(first.replayed).toBeUndefined();
        await subject.store.append(`${p}-a`, [newEvent('later')], 2n);
        const replayed = { ...first, replayed: true };
        for (const expected of ['no-stream', 'any', 0n, 2n, 3n] as const) {
          await expect(subject.store.append(`${p}-a`, batch, expected)).resolves.toEqual(replayed);
        }
        const retried = batch.map((event) => ({
          ...event,
          metadata: metadata({ occurredAt: '2025-03-04T10:00:05.000Z' }),
        }));
        await expect(subject.store.append(`${p}-a`, retried, 'no-stream')).resolves.toEqual(
          replayed,
        );
        expect((await subject.store.readStream(`${p}-a`)).map((e) => e.type)).toEqual([
          'thing.created',
          'thing.renamed',
          'later',
        ]);
      });

      it('a batch of which only part is recorded, or with other content, is refused', async () => {
        const [a, b] = [newEvent('thing.created', { n: 1 }), newEvent('thing.renamed')];
        await subject.store.append(`${p}-a`, [a], 'no-stream');
        await expect(subject.store.append(`${p}-a`, [a, b], 'any')).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        await expect(
          subject.store.append(`${p}-a`, [{ ...a, data: { n: 2 } }], 'any'),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        await expect(
          subject.store.append(`${p}-a`, [{ ...a, type: 'other' }], 'any'),
        ).rejects.toBeInstanceOf(EventIdConflictError);
        expect(await subject.store.readStream(`${p}-a`)).toHaveLength(1);
      });

      it('an id recorded in another stream is refused (where ids are global)', async () => {
        const a = newEvent('thing.created');
        await subject.store.append(`${p}-a`, [a], 'no-stream');
        if (subject.globalEventIds === false) return;
        await expect(subject.store.append(`${p}-b`, [a], 'any')).rejects.toBeInstanceOf(
          EventIdConflictError,
        );
        expect(await subject.store.readStream(`${p}-b`)).toEqual([]);
      });

      it('appends sent at once get each their own answer, in one stream order', async () => {
        const s = (n: number) => `${p}-together-${n}`;
        await subject.store.append(s(1), [newEvent('one')], 'no-stream');
        const recorded = [newEvent('two')];
        const first = await subject.store.append(s(2), recorded, 'no-stream');
        const shared = newEvent('shared');
        const answers = await Promise.allSettled([
          subject.store.append(s(1), [newEvent('a'), newEvent('b')], 1n),
          subject.store.append(s(2), recorded, 'no-stream'),
          subject.store.append(s(3), [newEvent('c')], 5n),
          subject.store.append(s(4), [newEvent('d')], 'no-stream'),
          subject.store.append(s(5), [], 'any'),
          subject.store.append(s(1), [newEvent('e')], 1n),
          subject.store.append(s(6), [shared], 'no-stream'),
          subject.store.append(s(7), [shared], 'no-stream'),
        ]);
        const [grown, replay, wrong, fresh, empty, stale, ...sharing] = answers;
        expect(grown).toMatchObject({ status: 'fulfilled', value: { nextVersion: 3n } });
        expect(replay).toEqual({ status: 'fulfilled', value: { ...first, replayed: true } });
        expect(wrong).toMatchObject({ status: 'rejected', reason: { expected: 5n, actual: 0n } });
        expect((wrong as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        expect(fresh).toMatchObject({ status: 'fulfilled', value: { nextVersion: 1n } });
        expect(empty).toMatchObject({ status: 'fulfilled', value: { positions: [] } });
        // Two appends at version 1 of one stream: one of them finds it moved on.
        expect((stale as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedVersionError);
        if (subject.globalEventIds !== false) {
          // One id for two streams at once: the first to be written keeps it, the other is refused.
          expect(sharing.map((answer) => answer.status).sort()).toEqual(['fulfilled', 'rejected']);
          const refused = sharing.find((answer) => answer.status === 'rejected');
          expect((refused as PromiseRejectedResult).reason).toBeInstanceOf(EventIdConflictError);
        }
        expect((await subject.store.readStream(s(1))).map((e) => [e.version, e.type])).toEqual([
          [1n, 'one'],
          [2n, 'a'],
          [3n, 'b'],
        ]);
        expect(await subject.store.readStream(s(3))).toEqual([]);
        const written = await eventually(
          () => subject.store.readAll(0n, 10_000),
          (events) => events.some((event) => event.type === 'd'),
        );
        expectStrictlyIncreasing(written.map((event) => event.position));
      });

      it('appends to one stream asked for without waiting are written in the order asked', async () => {
        const stream = `${p}-ordered`;
        const asked: Array<Promise<unknown>> = [];
        // Some in one event loop turn, some in the next turns: every one after the one before.
        for (let n = 0; n < 24; n += 1) {
          asked.push(subject.store.append(stream, [newEvent(`step-${n}`)], 'any'));
          if (n % 3 === 2) await new Promise((resolve) => setImmediate(resolve));
        }
        await Promise.all(asked);
        expect((await subject.store.readStream(stream)).map((event) => event.type)).toEqual(
          Array.from({ length: 24 }, (_, n) => `step-${n}`),
        );
      });

      it('ids are compared case-insensitively and recorded in lowercase', async () => {
        const a = { ...newEvent('thing.created'), id: randomUUID().toUpperCase() };
        await subject.store.append(`${p}-a`, [a], 'no-stream');
        await expect(
          subject.store.append(`${p}-a`, [{ ...a, id: a.id.toLowerCase() }], 'any'),
        ).resolves.toMatchObject({ nextVersion: 1n });
        expect((await subject.store.readStream(`${p}-a`))[0].id).toBe(a.id.toLowerCase());
      });
    });

    describeFeedContract(current);
    describeCommandContract(current);

    describe('health and closing', () => {
      it('pings while open and refuses work once closed', async () => {
        await expect(subject.store.ping()).resolves.toBeUndefined();
        await subject.store.close();
        await expect(subject.store.readStream(`${p}-a`)).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        await expect(subject.store.close()).resolves.toBeUndefined();
      });
    });
  });
}

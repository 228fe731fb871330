import { randomUUID } from 'node:crypto';
import { DomainError } from '@engine/domain';
import { WrongExpectedVersionError } from './event-store.errors';
import type { EventStore } from './event-store.port';
import {
  counterDecider,
  type EventStoreContractSubject,
  eventually,
  increment,
  withRacingReads,
} from './event-store.contract-kit';
import { deriveEventId } from './command-event-id';
import { ConcurrencyConflictError, handleCommand } from './handle-command';
import { StreamStateCache } from './stream-state-cache';
import { loadRecordedPolicies, PolicyVersionConflictError, recordPolicy } from './policy-records';

type Current = () => { subject: EventStoreContractSubject; prefix: string };

const meta = { now: '2025-03-04T10:00:00.000Z', actor: { id: 'loader', role: 'system' as const } };

/** handleCommand and the policy records on top of the adapter. */
export function describeCommandContract(current: Current): void {
  describe('handleCommand', () => {
    it('reads, decides and appends with the command metadata', async () => {
      const { subject, prefix: p } = current();
      const first = await handleCommand(
        subject.store,
        `${p}-counter`,
        counterDecider,
        increment(2),
        { commandId: 'c-1' },
      );
      const second = await handleCommand(
        subject.store,
        `${p}-counter`,
        counterDecider,
        increment(3),
        {
          commandId: 'c-2',
          correlationId: 'corr-9',
          causationId: 'evt-7',
        },
      );
      expect([first.version, first.state, second.version, second.state]).toEqual([
        1n,
        { total: 2 },
        2n,
        { total: 5 },
      ]);
      const [recorded] = await subject.store.readStream(`${p}-counter`, { fromVersion: 2n });
      expect(second.events).toEqual([recorded]);
      expect(recorded.metadata).toMatchObject({
        occurredAt: '2025-03-04T10:00:00.000Z',
        actor: { id: 'u-1', role: 'engineer' },
        correlationId: 'corr-9',
        causationId: 'evt-7',
        commandId: 'c-2',
      });
    });

    it('two concurrent commands both succeed, one after a retry (versions 1 and 2)', async () => {
      const { subject, prefix: p } = current();
      const racing = withRacingReads(subject.store, 2);
      const results = await Promise.all(
        [1, 10].map((by, i) =>
          handleCommand(racing, `${p}-counter`, counterDecider, increment(by), {
            commandId: `c-${i}`,
          }),
        ),
      );
      expect(results.map((result) => result.version).sort()).toEqual([1n, 2n]);
      expect(results.find((result) => result.version === 2n)?.state).toEqual({ total: 11 });
      expect(await subject.store.readStream(`${p}-counter`)).toHaveLength(2);
    });

    it('five concurrent commands all succeed within the default retries', async () => {
      const { subject, prefix: p } = current();
      const racing = withRacingReads(subject.store, 5);
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((by) =>
          handleCommand(racing, `${p}-counter`, counterDecider, increment(by), {
            commandId: randomUUID(),
          }),
        ),
      );
      expect(results.map((result) => result.version).sort()).toEqual([1n, 2n, 3n, 4n, 5n]);
      expect(results.find((result) => result.version === 5n)?.state).toEqual({ total: 15 });
    });

    it('gives up with ConcurrencyConflictError after maxRetries', async () => {
      const { subject, prefix: p } = current();
      const racing = withRacingReads(subject.store, 2);
      const outcomes = await Promise.allSettled(
        [1, 2].map((by) =>
          handleCommand(racing, `${p}-counter`, counterDecider, increment(by), {
            commandId: randomUUID(),
            maxRetries: 0,
          }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
      const failure = outcomes.find(
        (outcome) => outcome.status === 'rejected',
      ) as PromiseRejectedResult;
      expect(failure.reason).toBeInstanceOf(ConcurrencyConflictError);
    });

    it('the same command id twice appends once and answers with the first events', async () => {
      const { subject, prefix: p } = current();
      const first = await handleCommand(
        subject.store,
        `${p}-counter`,
        counterDecider,
        increment(2),
        { commandId: 'same' },
      );
      await handleCommand(subject.store, `${p}-counter`, counterDecider, increment(5), {
        commandId: 'other',
      });
      const again = await handleCommand(
        subject.store,
        `${p}-counter`,
        counterDecider,
        increment(2),
        { commandId: 'same' },
      );
      expect(again.events).toEqual(first.events);
      expect(await subject.store.readStream(`${p}-counter`)).toHaveLength(2);
      const racing = withRacingReads(subject.store, 2);
      const twins = await Promise.all(
        [0, 1].map(() =>
          handleCommand(racing, `${p}-counter`, counterDecider, increment(7), {
            commandId: 'twin',
          }),
        ),
      );
      expect(twins[0].events).toEqual(twins[1].events);
      expect(await subject.store.readStream(`${p}-counter`)).toHaveLength(3);
    });

    it('refuses a stale expectedVersion at once, appends nothing for no events, lets DomainError through', async () => {
      const { subject, prefix: p } = current();
      await handleCommand(subject.store, `${p}-counter`, counterDecider, increment(1), {
        commandId: 'c-1',
      });
      const stale = await handleCommand(
        subject.store,
        `${p}-counter`,
        counterDecider,
        increment(1),
        {
          commandId: 'c-2',
          expectedVersion: 0n,
        },
      ).catch((e: unknown) => e);
      expect(stale).toBeInstanceOf(WrongExpectedVersionError);
      expect(stale).toMatchObject({ expected: 0n, actual: 1n });
      const none = await handleCommand(
        subject.store,
        `${p}-counter`,
        counterDecider,
        increment(0),
        { commandId: 'c-3' },
      );
      expect(none).toEqual({ state: { total: 1 }, version: 1n, events: [] });
      await expect(
        handleCommand(subject.store, `${p}-counter`, counterDecider, increment(-1), {
          commandId: 'c-4',
          expectedVersion: 1n,
        }),
      ).rejects.toBeInstanceOf(DomainError);
      expect(await subject.store.readStream(`${p}-counter`)).toHaveLength(1);
    });
  });

  describe('handleCommand with a stream state cache', () => {
    /** One process: its own cache over the shared store. */
    const processWith = (
      store: EventStoreContractSubject['store'],
      stateCache = new StreamStateCache<{ total: number }>(),
    ) => {
      return {
        stateCache,
        run: (streamId: string, by: number, commandId: string, expectedVersion?: bigint) =>
          handleCommand(store, streamId, counterDecider, increment(by), {
            commandId,
            expectedVersion,
            stateCache,
          }),
      };
    };

    it("two processes writing one stream each see the other's events (state, version, If-Match)", async () => {
      const { subject, prefix: p } = current();
      const [a, b] = [processWith(subject.store), processWith(subject.store)];
      const stream = `${p}-shared`;
      await a.run(stream, 1, 'a-1');
      await a.run(stream, 2, 'a-2');
      expect((await b.run(stream, 4, 'b-1')).state).toEqual({ total: 7 });
      // a's cache is at version 2; the stream is at 3.
      expect(a.stateCache.get(stream)?.version).toBe(2n);
      const fromA = await a.run(stream, 8, 'a-3', 3n);
      expect([fromA.version, fromA.state]).toEqual([4n, { total: 15 }]);
      const fromB = await b.run(stream, 16, 'b-2', 4n);
      expect([fromB.version, fromB.state]).toEqual([5n, { total: 31 }]);
      const stale = await a.run(stream, 1, 'a-4', 4n).catch((e: unknown) => e);
      expect(stale).toMatchObject({ expected: 4n, actual: 5n });
      expect(await subject.store.readStream(stream)).toHaveLength(5);
    });

    it('racing processes with warm caches: the losers re-read and every increment counts once', async () => {
      const { subject, prefix: p } = current();
      const stream = `${p}-race`;
      const caches = [0, 1, 2, 3].map(() => new StreamStateCache<{ total: number }>());
      await handleCommand(subject.store, stream, counterDecider, increment(1), {
        commandId: 'seed',
      });
      // Every cache warm at version 1; then the four tail reads wait for each other.
      for (const [i, cache] of caches.entries())
        await processWith(subject.store, cache).run(stream, 0, `warm-${i}`);
      expect(caches.map((cache) => cache.get(stream)?.version)).toEqual([1n, 1n, 1n, 1n]);
      // All four decide on their cached state and append at version 1 at once: one append wins,
      // the others are refused by the version check and go back to the stream.
      let refused = 0;
      const { store } = subject;
      const counting: EventStore = {
        append: (...args) =>
          store.append(...args).catch((error: unknown) => {
            refused += 1;
            throw error;
          }),
        readStream: (...args) => store.readStream(...args),
        readAll: (...args) => store.readAll(...args),
        subscribe: (...args) => store.subscribe(...args),
        ping: () => store.ping(),
        close: () => store.close(),
      };
      const procs = caches.map((cache) => processWith(counting, cache));
      const results = await Promise.all(
        procs.map((proc, i) => proc.run(stream, 10 ** (i + 1), `race-${i}`)),
      );
      expect(refused).toBeGreaterThanOrEqual(3);
      expect(results.map((result) => result.version).sort()).toEqual([2n, 3n, 4n, 5n]);
      const last = results.find((result) => result.version === 5n);
      expect(last?.state).toEqual({ total: 11111 });
      const after = await procs[0].run(stream, 100000, 'after');
      expect([after.version, after.state]).toEqual([6n, { total: 111111 }]);
    });

    it('recognises a retried command id after the cache was warmed, in either process', async () => {
      const { subject, prefix: p } = current();
      const [a, b] = [processWith(subject.store), processWith(subject.store)];
      const stream = `${p}-retry`;
      const first = await a.run(stream, 2, 'once');
      await a.run(stream, 3, 'next');
      await b.run(stream, 5, 'from-b');
      const againA = await a.run(stream, 2, 'once');
      const againB = await b.run(stream, 2, 'once');
      expect(againA).toMatchObject({ replayed: true, events: first.events });
      expect(againB).toMatchObject({ replayed: true, events: first.events });
      // Appended by b while a's cache was warm: a still recognises it.
      const lateB = await b.run(stream, 7, 'late');
      expect(await a.run(stream, 7, 'late')).toMatchObject({
        replayed: true,
        events: lateB.events,
      });
      expect(await subject.store.readStream(stream)).toHaveLength(4);
    });

    it("an event id that only looks like the command's (same first digits) is not a replay", async () => {
      const { subject, prefix: p } = current();
      const proc = processWith(subject.store);
      const stream = `${p}-lookalike`;
      await proc.run(stream, 1, 'warm');
      const derived = deriveEventId(stream, 'fresh', 0);
      const lookalike = `${derived.slice(0, 8)}-0000-4000-8000-000000000000`;
      await subject.store.append(
        stream,
        [
          {
            id: lookalike,
            type: 'counter.incremented',
            data: { by: 2 },
            metadata: {
              occurredAt: meta.now,
              actor: meta.actor,
              correlationId: 'x',
              causationId: null,
            },
          },
        ],
        1n,
      );
      const result = await proc.run(stream, 4, 'fresh');
      expect(result.replayed).toBeUndefined();
      expect([result.version, result.state]).toEqual([3n, { total: 7 }]);
      expect(await proc.run(stream, 4, 'fresh')).toMatchObject({ replayed: true, version: 3n });
    });

    it('decides again on the stream when the cached state refuses or does nothing', async () => {
      const { subject, prefix: p } = current();
      const stream = `${p}-gated`;
      const cache = new StreamStateCache<{ total: number }>();
      type Verdict = 'refuse' | 'nothing' | 'append';
      const gated = (rule: (total: number) => Verdict): typeof counterDecider => ({
        ...counterDecider,
        decide: (command, state) => {
          const verdict = rule(state.total);
          if (verdict === 'refuse') throw new DomainError('too-early', 'not yet');
          return verdict === 'nothing' ? [] : counterDecider.decide(command, state);
        },
      });
      const here = (decider: typeof counterDecider, by: number, commandId: string) =>
        handleCommand(subject.store, stream, decider, increment(by), {
          commandId,
          stateCache: cache,
        });
      const elsewhere = (by: number, commandId: string) =>
        handleCommand(subject.store, stream, counterDecider, increment(by), { commandId });
      await here(counterDecider, 1, 'here-1'); // cached: version 1, total 1
      await elsewhere(10, 'elsewhere-1'); // the stream: version 2, total 11
      // Refused on the cached state (1 < 10), accepted on the stream's (11).
      const refusesBelowTen = gated((total) => (total < 10 ? 'refuse' : 'append'));
      expect(await here(refusesBelowTen, 1, 'here-2')).toMatchObject({
        version: 3n,
        state: { total: 12 },
      });
      await elsewhere(10, 'elsewhere-2'); // version 4, total 22
      // Nothing to do on the cached state (12 < 20), an increment on the stream's (22).
      const waitsForTwenty = gated((total) => (total < 20 ? 'nothing' : 'append'));
      expect(await here(waitsForTwenty, 1, 'here-3')).toMatchObject({
        version: 5n,
        state: { total: 23 },
      });
      expect(await subject.store.readStream(stream)).toHaveLength(5);
    });
  });

  describe('policy records', () => {
    it('records a version once, accepts the same content again and refuses other content', async () => {
      const { subject, prefix: p } = current();
      const policy = {
        version: `${p}-2023-04`,
        contentHash: 'a'.repeat(64),
        content: 'version: 2023-04\n',
      };
      await expect(recordPolicy(subject.store, policy, meta)).resolves.toBe('recorded');
      await expect(recordPolicy(subject.store, policy, meta)).resolves.toBe('unchanged');
      const changed = {
        ...policy,
        contentHash: 'b'.repeat(64),
        content: 'version: 2023-04\nchanged: true\n',
      };
      const error = await recordPolicy(subject.store, changed, meta).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PolicyVersionConflictError);
      expect((error as Error).message).toBe(
        `policy version ${p}-2023-04 is already recorded with different content ` +
          `(hash aaaaaaaaaaaa… ≠ bbbbbbbbbbbb…); give the changed document a new version`,
      );
      const other = {
        version: `${p}-2024-01`,
        contentHash: 'c'.repeat(64),
        content: 'version: 2024-01\n',
      };
      await Promise.all([
        recordPolicy(subject.store, other, meta),
        recordPolicy(subject.store, other, meta),
      ]);
      const ours = await eventually(
        async () =>
          (await loadRecordedPolicies(subject.store)).filter((record) =>
            record.version.startsWith(p),
          ),
        (records) => records.length >= 2,
      );
      expect(ours).toEqual([policy, other]);
    });
  });
}

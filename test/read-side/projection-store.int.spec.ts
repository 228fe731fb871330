import { incidentsProjection, liveTables } from '@engine/read-models';
import {
  openIncident,
  recordedIncident,
  respond,
} from '../../libs/read-models/src/testing/incident-scenarios';
import {
  KINDS,
  createTarget,
  dumpTables,
  openReadSide,
  type ReadSide,
  type TestTarget,
} from './support/read-side-fixture';

const events = recordedIncident('i1', [
  openIncident({ id: 'i1', receivedAt: '2026-03-02T09:00:00.000Z' }),
  respond('2026-03-02T09:30:00.000Z'),
]);
const batch = (from: number, to: number, expected: bigint) => ({
  projection: incidentsProjection,
  statusName: incidentsProjection.name,
  tables: liveTables,
  events: events.slice(from, to),
  expected,
});

describe.each(KINDS)('the projection store on %s', (kind) => {
  let target: TestTarget;
  let one: ReadSide;
  let other: ReadSide;

  beforeEach(async () => {
    target = await createTarget(kind);
    one = await openReadSide(target);
    other = await openReadSide(target);
  });

  afterEach(async () => {
    await one.close();
    await other.close();
    await target.drop();
  });

  it('writes a batch with its checkpoint, and nothing when the checkpoint is not the expected one', async () => {
    expect(await one.projections.applyBatch(batch(0, 1, 0n))).toMatchObject({
      kind: 'applied',
      checkpoint: 1n,
    });
    // A rival that read the same checkpoint before: refused, nothing written twice.
    expect(await other.projections.applyBatch(batch(0, 1, 0n))).toEqual({
      kind: 'moved',
      checkpoint: 1n,
    });
    const before = await dumpTables(one.database, incidentsProjection);
    expect(before.incidents.map((row) => String(row.version))).toEqual(['1']);
    expect(await other.projections.applyBatch(batch(1, 2, 1n))).toMatchObject({
      kind: 'applied',
      checkpoint: 2n,
    });
    expect((await one.projections.readStatus('incidents')).checkpoint).toBe(2n);
  });

  it('lets one owner hold a lease; the other takes it once released', async () => {
    const first = await one.projections.lease('incidents', 'a').tryAcquire();
    expect(first?.isHeld()).toBe(true);
    expect(await other.projections.lease('incidents', 'b').tryAcquire()).toBeNull();
    // Within one process too (PostgreSQL advisory locks are re-entrant per session).
    expect(await one.projections.lease('incidents', 'c').tryAcquire()).toBeNull();
    await first!.release();
    const second = await other.projections.lease('incidents', 'b').tryAcquire();
    expect(second?.isHeld()).toBe(true);
    await second!.release();
  });

  if (kind === 'postgres')
    it('a lease granted while its acquire is being aborted is let go: null, and free for others', async () => {
      const stopping = new AbortController();
      // The try goes out at once; the abort lands before its answer comes back.
      const acquiring = one.projections.lease('incidents', 'a').acquire(stopping.signal);
      stopping.abort();
      expect(await acquiring).toBeNull();
      const taker = await other.projections.lease('incidents', 'b').tryAcquire();
      expect(taker).not.toBeNull();
      await taker!.release();
    });

  if (kind === 'sqlite')
    it('refuses the batch of a holder whose lease expired and was taken over (fencing)', async () => {
      const stale = await one.projections.lease('incidents', 'a', { ttlMs: 60 }).tryAcquire();
      expect(stale).not.toBeNull();
      // The holder's process stalls past its expiry (a blocked event loop renews nothing).
      const stalledUntil = Date.now() + 120;
      while (Date.now() < stalledUntil);
      const taker = await other.projections.lease('incidents', 'b').tryAcquire();
      expect(taker).not.toBeNull();
      const refused = await one.projections.applyBatch({
        ...batch(0, 2, 0n),
        lease: { name: 'incidents', owner: 'a' },
      });
      expect(refused).toEqual({ kind: 'lease-lost' });
      expect((await dumpTables(one.database, incidentsProjection)).incidents).toEqual([]);
      await taker!.release();
      await stale!.release();
    });
});

import { eventIdFingerprint, StreamStateCache } from './stream-state-cache';

const entry = (version: bigint, total = Number(version)) => ({
  version,
  state: { total },
  eventIds: new Set<number>(),
});

describe('StreamStateCache', () => {
  it('keeps at most maxStreams, dropping the least recently used first', () => {
    const cache = new StreamStateCache<{ total: number }>(2);
    cache.set('a', entry(1n));
    cache.set('b', entry(1n));
    cache.get('a');
    cache.set('c', entry(1n));
    expect([cache.size, cache.get('a')?.version, cache.get('b'), cache.get('c')?.version]).toEqual([
      2,
      1n,
      undefined,
      1n,
    ]);
  });

  it('never goes back to an earlier version of a stream, and forgets one on delete', () => {
    const cache = new StreamStateCache<{ total: number }>();
    cache.set('a', entry(5n));
    cache.set('a', entry(3n));
    expect(cache.get('a')?.version).toBe(5n);
    cache.set('a', entry(6n));
    expect(cache.get('a')?.version).toBe(6n);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
    expect(() => new StreamStateCache(0)).toThrow(RangeError);
  });

  it('fingerprints an event id by its first eight hex digits, in either case', () => {
    expect(eventIdFingerprint('0A1b2C3d-0000-4000-8000-000000000000')).toBe(0x0a1b2c3d);
    expect(eventIdFingerprint('0a1b2c3d-ffff-4fff-bfff-ffffffffffff')).toBe(0x0a1b2c3d);
  });
});

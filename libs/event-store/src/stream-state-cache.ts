/**
 * Folded states of recently used streams, for `handleCommand` in one process: a command reads
 * only the events after the cached version instead of the whole stream.
 *
 * An entry is always exactly the fold of a stream's events 1..version (events never change once
 * written), so at worst it is behind the store: the command reads the events after it, and the
 * append's expected-version check refuses a decision taken on a state another process has moved
 * past (the command then drops the entry and reads the whole stream again).
 *
 * Replay detection needs to know whether an event id is in the stream. Each entry keeps a 32-bit
 * fingerprint of every event id of the stream (its first eight hex digits): no fingerprint means
 * the id is certainly not there; a match (the id, or rarely another with the same digits) sends
 * the command to the whole stream, where the ids are compared exactly.
 */
export class StreamStateCache<State> {
  private readonly entries = new Map<string, StreamStateEntry<State>>();

  /** @param maxStreams streams kept at most; the least recently used is dropped first. */
  constructor(readonly maxStreams = 10_000) {
    if (!Number.isInteger(maxStreams) || maxStreams < 1)
      throw new RangeError('StreamStateCache: maxStreams must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry of a stream (marked as recently used), or undefined. */
  get(streamId: string): StreamStateEntry<State> | undefined {
    const entry = this.entries.get(streamId);
    if (entry) {
      this.entries.delete(streamId);
      this.entries.set(streamId, entry);
    }
    return entry;
  }

  /** Keeps an entry unless one for a later version is already there (a slower writer's result). */
  set(streamId: string, entry: StreamStateEntry<State>): void {
    const current = this.entries.get(streamId);
    if (current && current.version > entry.version) return;
    this.entries.delete(streamId);
    this.entries.set(streamId, entry);
    if (this.entries.size > this.maxStreams) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  delete(streamId: string): void {
    this.entries.delete(streamId);
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface StreamStateEntry<State> {
  /** The stream's version the state is the fold of (0n: no events). */
  readonly version: bigint;
  readonly state: State;
  /**
   * Fingerprints (`eventIdFingerprint`) of every event id of versions 1..version, and possibly of
   * later ones: the set only grows, and the entry of the next version shares it (a command adds
   * its batch's fingerprints instead of copying the set). A fingerprint too many is harmless: it
   * only sends a command to the exact comparison on the whole stream.
   */
  readonly eventIds: Set<number>;
}

/** A 32-bit fingerprint of an event id (UUIDs are compared in lower case by the stores). */
export const eventIdFingerprint = (id: string): number => {
  const value = Number.parseInt(id.slice(0, 8), 16);
  return Number.isNaN(value) ? -1 : value;
};

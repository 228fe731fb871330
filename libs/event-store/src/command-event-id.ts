import { createHash } from 'node:crypto';

/** The engine's UUID v5 namespace for event ids derived from command ids (fixed forever). */
const NAMESPACE = '3824c0e4-1daa-4404-bafa-e2c60b753b3b';

/** A name-based UUID, version 5 (RFC 9562 section 5.5: SHA-1 of the namespace's bytes and the name). */
export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The id of the `index`-th event a command appends to a stream, derived from the stream id, the
 * command id and the index. The same command retried with the same id yields the same event ids,
 * which the store recognises instead of appending twice. The stream id is part of the name so that
 * one command id used on two streams cannot collide.
 */
export const deriveEventId = (streamId: string, commandId: string, index: number): string =>
  uuidV5(NAMESPACE, JSON.stringify([streamId, commandId, index]));

import { hash } from 'node:crypto';

/** The engine's UUID v5 namespace for event ids derived from command ids (fixed forever). */
const NAMESPACE = '3824c0e4-1daa-4404-bafa-e2c60b753b3b';

const namespaceBytes = new Map<string, Buffer>();

/** A name-based UUID, version 5 (RFC 9562 section 5.5: SHA-1 of the namespace's bytes and the name). */
export function uuidV5(namespace: string, name: string): string {
  let prefix = namespaceBytes.get(namespace);
  if (!prefix) {
    prefix = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    namespaceBytes.set(namespace, prefix);
  }
  // One-shot hash (no Hash object per id); the first 16 bytes of the digest, in hex.
  const hex = hash('sha1', Buffer.concat([prefix, Buffer.from(name, 'utf8')]), 'hex');
  // Version 5 in the high nibble of byte 6, the RFC variant (10xx) in the high bits of byte 8.
  const variant = (0x8 | (parseInt(hex[16], 16) & 0x3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The id of the `index`-th event a command appends to a stream, derived from the stream id, the
 * command id and the index. The same command retried with the same id yields the same event ids,
 * which the store recognises instead of appending twice. The stream id is part of the name so that
 * one command id used on two streams cannot collide.
 */
export const deriveEventId = (streamId: string, commandId: string, index: number): string =>
  uuidV5(NAMESPACE, JSON.stringify([streamId, commandId, index]));

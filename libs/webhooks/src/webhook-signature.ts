import { createHmac } from 'node:crypto';
import { signingKeyOf } from './signing-secret';

/**
 * One Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256, keyed with the secret's
 * bytes, of `<webhook-id>.<webhook-timestamp>.<body>`.
 */
export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = signingKeyOf(secret);
  if (!key) throw new TypeError('not a whsec_ signing secret');
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per secret, space-separated (during a rotation). */
export const signatureHeader = (
  secrets: readonly string[],
  id: string,
  timestamp: number,
  body: string,
): string => secrets.map((secret) => signatureOf(secret, id, timestamp, body)).join(' ');

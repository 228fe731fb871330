import { Webhook } from 'standardwebhooks';
import { SecretCipher, SecretDecryptionError } from './secret-cipher';
import { generateSigningSecret, isValidSigningSecret, signingKeyOf } from './signing-secret';
import { webhookBody, type WebhookEventData } from './webhook-payload';
import { signatureHeader } from './webhook-signature';

const event: WebhookEventData = {
  id: '0b6f3c1e-4a8d-4d53-9a55-3f0e2c1b7a10',
  type: 'incident.opened',
  streamId: 'incident-42',
  version: '1',
  position: '12345678901234567890',
  occurredAt: '2026-11-27T16:00:00.000Z',
  actor: { id: 'acme-lead', role: 'customer-lead' },
  data: { title: 'nginx returns 502', note: 'ünïcödé ✓' },
};

const headersFor = (
  secrets: string[],
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
) => ({
  'webhook-id': event.id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signatureHeader(secrets, event.id, timestamp, body),
});

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks library, as a receiver would', () => {
    const secret = generateSigningSecret();
    const body = webhookBody(event);
    const verified = new Webhook(secret).verify(body, headersFor([secret], body));
    expect(verified).toEqual({ type: 'incident.opened', timestamp: event.occurredAt, data: event });
  });

  it('during a rotation carry both signatures: either secret verifies', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const body = webhookBody(event);
    const headers = headersFor([current, previous], body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(generateSigningSecret()).verify(body, headers)).toThrow();
  });

  it('do not verify a changed body or a stale timestamp', () => {
    const secret = generateSigningSecret();
    const body = webhookBody(event);
    const headers = headersFor([secret], body);
    expect(() => new Webhook(secret).verify(body.replace('502', '503'), headers)).toThrow();
    const stale = headersFor([secret], body, Math.floor(Date.now() / 1000) - 3600);
    expect(() => new Webhook(secret).verify(body, stale)).toThrow();
  });

  it('carry positions and versions as strings, so no JSON parser rounds them', () => {
    expect(JSON.parse(webhookBody(event)).data.position).toBe('12345678901234567890');
  });
});

describe('signing secrets', () => {
  it('are whsec_ and the base64 of 24 to 64 bytes', () => {
    expect(signingKeyOf(generateSigningSecret())).toHaveLength(32);
    expect(isValidSigningSecret(`whsec_${Buffer.alloc(24, 1).toString('base64')}`)).toBe(true);
    expect(isValidSigningSecret(`whsec_${Buffer.alloc(64, 1).toString('base64')}`)).toBe(true);
    expect(isValidSigningSecret(`whsec_${Buffer.alloc(23, 1).toString('base64')}`)).toBe(false);
    expect(isValidSigningSecret(`whsec_${Buffer.alloc(65, 1).toString('base64')}`)).toBe(false);
    expect(isValidSigningSecret(Buffer.alloc(32, 1).toString('base64'))).toBe(false);
    expect(isValidSigningSecret('whsec_not base64!')).toBe(false);
  });

  it('are sealed with AES-256-GCM and open only with the same key and webhook', () => {
    const key = Buffer.alloc(32, 7);
    const secret = generateSigningSecret();
    const sealed = new SecretCipher(key).seal(secret, 'w1');
    expect(sealed).not.toContain(secret.slice(6));
    expect(new SecretCipher(key).open(sealed, 'w1')).toBe(secret);
    expect(() => new SecretCipher(key).open(sealed, 'w2')).toThrow(SecretDecryptionError);
    expect(() => new SecretCipher(Buffer.alloc(32, 8)).open(sealed, 'w1')).toThrow(
      SecretDecryptionError,
    );
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => new SecretCipher(key).open(tampered, 'w1')).toThrow(SecretDecryptionError);
    expect(new SecretCipher(key).seal(secret, 'w1')).not.toBe(sealed); // a fresh IV each time
  });
});

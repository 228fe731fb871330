import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The secret could not be decrypted: another WEBHOOK_SECRET_KEY, or a tampered record. */
export class SecretDecryptionError extends Error {
  constructor(context: string) {
    super(`cannot decrypt the signing secret of ${context} (was WEBHOOK_SECRET_KEY changed?)`);
    this.name = 'SecretDecryptionError';
  }
}

/**
 * Webhook signing secrets at rest: AES-256-GCM under WEBHOOK_SECRET_KEY, sealed as
 * `v1.<base64url of iv | tag | ciphertext>`. The webhook's id is the additional authenticated
 * data, so a sealed secret copied onto another webhook does not open.
 */
export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new TypeError('the webhook secret key must be 32 bytes');
  }

  seal(secret: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url');
    return `${VERSION}.${sealed}`;
  }

  /** @throws SecretDecryptionError */
  open(sealed: string, context: string): string {
    const [version, body, ...rest] = sealed.split('.');
    const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'base64url');
    if (version !== VERSION || rest.length > 0 || bytes.length <= IV_BYTES + TAG_BYTES)
      throw new SecretDecryptionError(context);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]);
      return plain.toString('utf8');
    } catch {
      throw new SecretDecryptionError(context);
    }
  }
}

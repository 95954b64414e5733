import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VahubError } from '@vahub/core';

const VERSION = 'v1';

/**
 * The key that encrypts secrets at rest in Redis: 32 bytes, given as 64 hex characters or base64
 * (e.g. `openssl rand -base64 32`) in `VAHUB_ENCRYPTION_KEY`.
 */
export function encryptionKeyFrom(text: string | undefined, name = 'VAHUB_ENCRYPTION_KEY'): Buffer {
  if (!text)
    throw new VahubError(`${name} is not set: generate one with \`openssl rand -base64 32\` and export it`);
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new VahubError(
      `${name} must be 32 bytes (64 hex characters or 44 base64 characters), got ${key.length} bytes`,
    );
  }
  return key;
}

/** AES-256-GCM with a random 96-bit nonce; `aad` binds the ciphertext to its Redis key. */
export function encrypt(key: Buffer, plaintext: string, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64'),
    cipher.getAuthTag().toString('base64'),
    body.toString('base64'),
  ].join('.');
}

export function decrypt(key: Buffer, sealed: string, aad: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined)
    throw new VahubError('stored secret has an unknown format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new VahubError(
      'a stored secret cannot be decrypted: VAHUB_ENCRYPTION_KEY changed since it was saved; run `vahub connect` again',
    );
  }
}

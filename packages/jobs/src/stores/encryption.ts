import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { VahubError } from '@vahub/core';
import { assertStrongKey, MAKE_A_KEY } from './key-strength.js';

export { assertStrongKey } from './key-strength.js';

/** `v2.<key id>.<nonce>.<tag>.<ciphertext>`; `v1` records (no key id) are still read. */
const VERSION = 'v2';
const LEGACY = 'v1';
const NONCE_BYTES = 12;
/** GCM's full tag. A shorter one is accepted by `setAuthTag` unless told otherwise, and is forgeable. */
const TAG_BYTES = 16;

/**
 * The key that encrypts secrets at rest in Redis: 32 random bytes, given as 64 hex characters or
 * base64 (`openssl rand -base64 32`) in `VAHUB_ENCRYPTION_KEY`. A key that is not random (all zero,
 * a repeated pattern, a counting sequence) is refused.
 */
export function encryptionKeyFrom(text: string | undefined, name = 'VAHUB_ENCRYPTION_KEY'): Buffer {
  if (!text) throw new VahubError(`${name} is not set: ${MAKE_A_KEY} and export it`);
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : strictBase64(trimmed);
  if (!key) {
    throw new VahubError(
      `${name} must be 32 bytes given as 64 hex characters or 44 base64 characters, and it is neither hex nor base64: ${MAKE_A_KEY}`,
    );
  }
  if (key.length !== 32) {
    throw new VahubError(
      `${name} must be 32 bytes (64 hex characters or 44 base64 characters), got ${key.length} bytes: ${MAKE_A_KEY}`,
    );
  }
  assertStrongKey(key, name);
  return key;
}

/** A short public fingerprint of a key (not enough to recover it): tells "key changed" from "record altered". */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('vahub encryption key id').digest('hex').slice(0, 12);
}

/** base64 or base64url, refusing stray characters that `Buffer.from` would silently skip. */
function strictBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return null;
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Why a stored secret could not be opened: each kind needs a different fix. */
export type SealedSecretProblem = 'key_changed' | 'tampered' | 'corrupt';

export class SealedSecretError extends VahubError {
  override name = 'SealedSecretError';
  readonly retryable = false;
  constructor(
    readonly problem: SealedSecretProblem,
    message: string,
  ) {
    super(message);
  }
}

/** AES-256-GCM with a random 96-bit nonce; `aad` binds the ciphertext to its Redis key. */
export function encrypt(key: Buffer, plaintext: string, aad: string): string {
  assertStrongKey(key);
  const id = keyId(key);
  const iv = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(`${aad}\n${id}`));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    id,
    iv.toString('base64'),
    cipher.getAuthTag().toString('base64'),
    body.toString('base64'),
  ].join('.');
}

/** Open what `encrypt` sealed; a `SealedSecretError` says whether the key changed or the record was altered. */
export function decrypt(key: Buffer, sealed: string, aad: string): string {
  const parts = sealed.split('.');
  const where = `the stored secret at "${aad}"`;
  const corrupt = (why: string) =>
    new SealedSecretError(
      'corrupt',
      `${where} is corrupt (${why}): it was not written by vahub or was damaged; run \`vahub connect\` again to replace it`,
    );
  const legacy = parts[0] === LEGACY && parts.length === 4;
  if (!legacy && !(parts[0] === VERSION && parts.length === 5)) throw corrupt('unknown format');
  const [id, iv, tag, body] = legacy ? [null, ...parts.slice(1)] : parts.slice(1);
  const nonce = strictBase64(iv ?? '');
  const authTag = strictBase64(tag ?? '');
  const ciphertext = body === '' ? Buffer.alloc(0) : strictBase64(body ?? '');
  if (!nonce || nonce.length !== NONCE_BYTES) throw corrupt(`its nonce is not ${NONCE_BYTES} bytes`);
  if (!authTag || authTag.length !== TAG_BYTES)
    throw corrupt(`its authentication tag is ${authTag?.length ?? 0} bytes, expected ${TAG_BYTES}`);
  if (!ciphertext) throw corrupt('its ciphertext is not base64');
  const current = keyId(key);
  if (id !== null && id !== current) {
    throw new SealedSecretError(
      'key_changed',
      `${where} cannot be decrypted: it was sealed with another key (key id ${id}) than the one VAHUB_ENCRYPTION_KEY holds now (key id ${current}), so VAHUB_ENCRYPTION_KEY changed since it was saved. Put the old key back, or run \`vahub connect\` again to store the grant under the new one`,
    );
  }
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(id === null ? aad : `${aad}\n${id}`));
  decipher.setAuthTag(authTag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    if (id === null) {
      throw new SealedSecretError(
        'key_changed',
        `${where} cannot be decrypted: VAHUB_ENCRYPTION_KEY changed since it was saved, or the record was altered (records saved before key ids cannot tell which); run \`vahub connect\` again`,
      );
    }
    throw new SealedSecretError(
      'tampered',
      `${where} cannot be decrypted although it was sealed with the current key: the record was altered or copied from another key (tampered or corrupt). Run \`vahub connect\` again to replace it, and check what else writes to this Redis`,
    );
  }
}

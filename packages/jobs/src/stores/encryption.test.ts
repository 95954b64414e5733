import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, encryptionKeyFrom, keyId, SealedSecretError } from './encryption.js';

const key = randomBytes(32);
const AAD = 'vahub:token:xero';

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SealedSecretError) return `${err.problem}: ${err.message}`;
    throw err;
  }
  return 'opened';
}

/** Replace field `index` of a sealed value (1 key id, 2 nonce, 3 tag, 4 ciphertext). */
function withField(sealed: string, index: number, value: (field: Buffer) => Buffer | string): string {
  const parts = sealed.split('.');
  const next = value(Buffer.from(parts[index] ?? '', 'base64'));
  parts[index] = typeof next === 'string' ? next : next.toString('base64');
  return parts.join('.');
}

describe('sealed secrets', () => {
  it('round-trip, and say which key sealed them without revealing it', () => {
    const sealed = encrypt(key, 'the grant', AAD);
    expect(decrypt(key, sealed, AAD)).toBe('the grant');
    expect(sealed.split('.')[1]).toBe(keyId(key));
    expect(sealed).not.toContain(key.toString('base64'));
    expect(keyId(randomBytes(32))).not.toBe(keyId(key));
  });

  it('refuse a truncated authentication tag, which GCM would otherwise check only in part', () => {
    const sealed = encrypt(key, 'the grant', AAD);
    const truncated = withField(sealed, 3, (tag) => tag.subarray(0, 12));
    expect(problemOf(() => decrypt(key, truncated, AAD))).toMatch(
      /^corrupt: .*authentication tag is 12 bytes, expected 16/,
    );
    expect(
      problemOf(() =>
        decrypt(
          key,
          withField(sealed, 3, (tag) => tag.subarray(0, 4)),
          AAD,
        ),
      ),
    ).toMatch(/^corrupt: .*tag is 4 bytes/);
  });

  it('tell a changed key from an altered record from a damaged one', () => {
    const sealed = encrypt(key, 'the grant', AAD);
    expect(problemOf(() => decrypt(randomBytes(32), sealed, AAD))).toMatch(
      /^key_changed: .*VAHUB_ENCRYPTION_KEY changed since it was saved/,
    );
    const flipped = withField(sealed, 4, (body) => {
      const copy = Buffer.from(body);
      copy[0] = (copy[0] ?? 0) ^ 1;
      return copy;
    });
    expect(problemOf(() => decrypt(key, flipped, AAD))).toMatch(/^tampered: .*sealed with the current key/);
    expect(problemOf(() => decrypt(key, sealed, 'vahub:token:google'))).toMatch(
      /^tampered: .*copied from another key/,
    );
    // A record from another key relabelled with the current key's id is seen for what it is.
    const relabelled = withField(encrypt(randomBytes(32), 'the grant', AAD), 1, () => keyId(key));
    expect(problemOf(() => decrypt(key, relabelled, AAD))).toMatch(/^tampered: /);
    expect(problemOf(() => decrypt(key, 'not a sealed value', AAD))).toMatch(/^corrupt: .*unknown format/);
    expect(
      problemOf(() =>
        decrypt(
          key,
          withField(sealed, 2, () => '***'),
          AAD,
        ),
      ),
    ).toMatch(/^corrupt: .*nonce/);
  });

  it('still open records sealed before key ids (v1), without claiming to know what went wrong', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(AAD));
    const body = Buffer.concat([cipher.update('old grant', 'utf8'), cipher.final()]);
    const v1 = [
      'v1',
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join('.');
    expect(decrypt(key, v1, AAD)).toBe('old grant');
    expect(problemOf(() => decrypt(randomBytes(32), v1, AAD))).toMatch(
      /^key_changed: .*changed since it was saved, or the record was altered/,
    );
  });
});

describe('encryption keys', () => {
  it('accepts 32 random bytes as hex, base64 or base64url', () => {
    expect(encryptionKeyFrom(key.toString('hex'))).toEqual(key);
    expect(encryptionKeyFrom(` ${key.toString('base64')}\n`)).toEqual(key);
    expect(encryptionKeyFrom(key.toString('base64url'))).toEqual(key);
  });

  it.each([
    ['all zero', Buffer.alloc(32).toString('base64'), /all zero bytes/],
    ['one repeated byte', Buffer.alloc(32, 0x61).toString('hex'), /only 1 different byte values/],
    ['a repeated pattern', Buffer.from('abcdefgh'.repeat(4)).toString('base64'), /only 8 different/],
    ['a counting sequence', Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString('hex'), /counting/],
    ['too short', randomBytes(16).toString('base64'), /must be 32 bytes .*got 16 bytes/],
    ['not base64', 'correct horse battery staple!', /neither hex nor base64/],
  ])('refuses %s, saying how to make a good one', (_, text, why) => {
    expect(() => encryptionKeyFrom(text)).toThrow(why);
    expect(() => encryptionKeyFrom(text)).toThrow(/openssl rand -base64 32/);
  });

  it('will not seal with a weak key, however it was obtained', () => {
    expect(() => encrypt(Buffer.alloc(32), 'the grant', AAD)).toThrow(
      /all zero bytes.*openssl rand -base64 32/,
    );
  });
});

import { VahubError } from '@vahub/core';

export const MAKE_A_KEY = 'generate one with `openssl rand -base64 32`';

/**
 * Fewer different byte values than this in 32 bytes is a pattern, not a random key: 32 random bytes
 * hold about 30 different values; fewer than 16 happens by chance about 3 times in 10^17.
 */
const MIN_DISTINCT_BYTES = 16;

/** Why `key` cannot be a random 32-byte key, or null if nothing gives it away. */
function weakness(key: Buffer): string | null {
  if (key.length !== 32) return `it is ${key.length} bytes, not 32`;
  if (key.every((b) => b === 0)) return 'it is all zero bytes';
  const distinct = new Set(key).size;
  if (distinct < MIN_DISTINCT_BYTES) {
    return `it has only ${distinct} different byte values: a repeated character or pattern, not a random key`;
  }
  const step = (key[1]! - key[0]! + 256) % 256;
  if (key.every((b, i) => i === 0 || (b - key[i - 1]! + 256) % 256 === step))
    return 'it is a counting sequence';
  return null;
}

/** Refuse a key that is the wrong size or plainly not random, saying how to make a good one. */
export function assertStrongKey(key: Buffer, name = 'VAHUB_ENCRYPTION_KEY'): void {
  const why = weakness(key);
  if (why) throw new VahubError(`${name} is not a usable encryption key (${why}): ${MAKE_A_KEY}`);
}

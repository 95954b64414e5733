import * as crypto from 'node:crypto';

const BASE32HEX = '0123456789abcdefghijklmnopqrstuv';

/** Lower-case base32hex (RFC 4648 §7) without padding: the alphabet Google accepts in event ids. */
export function base32hex(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32HEX[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32HEX[(buffer << (5 - bits)) & 31];
  return out;
}

/** Google's rule for client-chosen event ids: base32hex characters, 5 to 1024 of them. */
export const GOOGLE_EVENT_ID = /^[a-v0-9]{5,1024}$/;

/**
 * One-shot hashing (Node 20.12 and later) is about twice as fast as a Hash object for inputs this
 * small, and a plan makes hundreds of block ids; older Node 20 releases lack it.
 */
const oneShot = typeof crypto.hash === 'function' ? crypto.hash : null;

function digest(data: string | Uint8Array): Buffer {
  return oneShot ? oneShot('sha256', data, 'buffer') : crypto.createHash('sha256').update(data).digest();
}

/** SHA-256 of `data` in hex, one-shot where Node has it (a receiver digests every delivery and event). */
export function sha256Hex(data: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', data, 'hex') : crypto.createHash('sha256').update(data).digest('hex');
}

function sha256(parts: readonly string[]): Buffer {
  // JSON framing keeps ("a","bc") and ("ab","c") apart.
  return digest(JSON.stringify(parts));
}

/**
 * The calendar event id of a task's chunk: the same client, task and chunk always give the same id
 * (52 characters of base32hex), so a retried insert answers 409 instead of creating a twin.
 */
export function blockEventId(clientId: string, taskId: string, chunk: number): string {
  return base32hex(sha256(['vahub-block', clientId, taskId, String(chunk)]));
}

/** A stable hex key for a set of parts, e.g. an invoice's Idempotency-Key (64 characters, Xero allows 128). */
export function stableKey(parts: readonly string[]): string {
  return sha256(parts).toString('hex');
}

/**
 * The idempotency key of an invoice draft: client, period and the covered entry ids (in any order),
 * plus `content`: anything else that must give a new key when it changes (the engine passes a digest
 * of the lines, amounts, dates and contact, and the ids of earlier drafts the VA deleted). Without it
 * a corrected rate, or a re-run after the VA deleted the draft, would get the old invoice back.
 */
export function invoiceIdempotencyKey(
  clientId: string,
  periodRef: string,
  entryIds: readonly string[],
  content: readonly string[] = [],
): string {
  return stableKey(['vahub-invoice', clientId, periodRef, JSON.stringify([...entryIds].sort()), ...content]);
}

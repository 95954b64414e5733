import { createHmac, timingSafeEqual } from 'node:crypto';

export type SignatureEncoding = 'hex' | 'base64';

export type VerifyResult =
  | { ok: true }
  | {
      ok: false;
      error: 'missing_secret' | 'missing_signature' | 'malformed_signature' | 'signature_mismatch';
    };

export function hmacSha256(secret: string | Uint8Array, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const BASE64_SHA256 = /^[A-Za-z0-9+/]{43}=$/;

function decodeSignature(text: string, encoding: SignatureEncoding): Buffer | null {
  if (encoding === 'hex') return HEX_SHA256.test(text) ? Buffer.from(text, 'hex') : null;
  if (!BASE64_SHA256.test(text)) return null;
  // Base64's last character before the padding carries two bits the decoder ignores: "…A=" and "…B="
  // can decode to the same bytes. Only the canonical spelling is what the vendor sends.
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

export interface VerifyInput {
  /** The request body exactly as received: never re-serialised JSON. */
  rawBody: Uint8Array | string;
  secret: string | Uint8Array | null | undefined;
  /** The signature header's value, as received. */
  signature: string | null | undefined;
  encoding: SignatureEncoding;
  /** A scheme prefix the header must carry, e.g. `sha256=` for Toggl. */
  prefix?: string;
}

/**
 * Verify an HMAC-SHA256 webhook signature over the raw body, comparing bytes in constant time.
 * Never throws: every outcome is a result. Hex is compared as bytes, so its letter case does not matter.
 */
export function verifyHmacSha256(input: VerifyInput): VerifyResult {
  if (input.secret === null || input.secret === undefined || input.secret.length === 0) {
    return { ok: false, error: 'missing_secret' };
  }
  const header = input.signature?.trim();
  if (!header) return { ok: false, error: 'missing_signature' };
  let encoded = header;
  if (input.prefix) {
    if (!header.startsWith(input.prefix)) return { ok: false, error: 'malformed_signature' };
    encoded = header.slice(input.prefix.length);
  }
  const given = decodeSignature(encoded, input.encoding);
  if (!given) return { ok: false, error: 'malformed_signature' };
  const expected = hmacSha256(input.secret, input.rawBody);
  return timingSafeEqual(given, expected) ? { ok: true } : { ok: false, error: 'signature_mismatch' };
}

/** Sign a body the way a vendor does (for fake servers and tests). */
export function signHmacSha256(
  secret: string | Uint8Array,
  body: string | Uint8Array,
  encoding: SignatureEncoding,
) {
  return hmacSha256(secret, body).toString(encoding);
}

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signHmacSha256, verifyHmacSha256 } from './hmac.js';
import { base32hex, blockEventId, GOOGLE_EVENT_ID, invoiceIdempotencyKey } from './ids.js';

const body = Buffer.from('{"events":[{"action":"changed"}]}');
const secret = 'hook-secret-1234';

describe('verifyHmacSha256', () => {
  const hex = signHmacSha256(secret, body, 'hex');
  const b64 = signHmacSha256(secret, body, 'base64');

  it('accepts the right signature in hex (either case) and base64', () => {
    expect(verifyHmacSha256({ rawBody: body, secret, signature: hex, encoding: 'hex' })).toEqual({
      ok: true,
    });
    expect(
      verifyHmacSha256({ rawBody: body, secret, signature: hex.toUpperCase(), encoding: 'hex' }),
    ).toEqual({ ok: true });
    expect(verifyHmacSha256({ rawBody: body, secret, signature: b64, encoding: 'base64' })).toEqual({
      ok: true,
    });
    expect(
      verifyHmacSha256({
        rawBody: body,
        secret,
        signature: `sha256=${hex}`,
        encoding: 'hex',
        prefix: 'sha256=',
      }),
    ).toEqual({ ok: true });
  });

  it('says why anything else fails, without throwing', () => {
    const changed = Buffer.from(body);
    changed[3] = (changed[3] ?? 0) ^ 1;
    const check = (over: Partial<Parameters<typeof verifyHmacSha256>[0]>) =>
      verifyHmacSha256({ rawBody: body, secret, signature: hex, encoding: 'hex', ...over });
    expect(check({ rawBody: changed })).toEqual({ ok: false, error: 'signature_mismatch' });
    expect(check({ secret: 'other-secret' })).toEqual({ ok: false, error: 'signature_mismatch' });
    expect(check({ signature: undefined })).toEqual({ ok: false, error: 'missing_signature' });
    expect(check({ signature: 'zz' })).toEqual({ ok: false, error: 'malformed_signature' });
    expect(check({ secret: '' })).toEqual({ ok: false, error: 'missing_secret' });
    expect(check({ prefix: 'sha256=' })).toEqual({ ok: false, error: 'malformed_signature' });
    expect(check({ rawBody: JSON.stringify(JSON.parse(body.toString()), null, 1) })).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
    expect(check({ signature: b64, encoding: 'base64', secret: 'x' })).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
  });

  it('takes base64 only as spelled canonically (the fuzzer found "…A=" read as "…B=")', () => {
    // The 43rd character holds two bits the decoder drops: find a body whose signature has them
    // free, then spell the same bytes another way.
    let n = 0;
    let good = '';
    let other = '';
    for (; ; n++) {
      good = signHmacSha256(secret, `body ${n}`, 'base64');
      const c = good[42] ?? '';
      other = `${good.slice(0, 42)}${c === 'A' ? 'B' : 'A'}=`;
      if (Buffer.from(other, 'base64').equals(Buffer.from(good, 'base64')) && other !== good) break;
    }
    const check = (signature: string) =>
      verifyHmacSha256({ rawBody: `body ${n}`, secret, signature, encoding: 'base64' });
    expect(check(good)).toEqual({ ok: true });
    expect(check(other)).toEqual({ ok: false, error: 'malformed_signature' });
  });

  it('never throws on arbitrary headers and bodies', () => {
    fc.assert(
      fc.property(
        fc.uint8Array(),
        fc.string(),
        fc.constantFrom('hex' as const, 'base64' as const),
        (raw, sig, encoding) => {
          const result = verifyHmacSha256({ rawBody: raw, secret, signature: sig, encoding });
          expect(result.ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('ids', () => {
  it('encodes base32hex as RFC 4648 does', () => {
    expect(base32hex(Buffer.from('foobar')).toUpperCase()).toBe('CPNMUOJ1E8');
    expect(base32hex(Buffer.from('f')).toUpperCase()).toBe('CO');
  });

  it('gives every block a valid, stable, distinct Google event id', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(1000), (client, task, chunk) => {
        const id = blockEventId(client, task, chunk);
        expect(id).toMatch(GOOGLE_EVENT_ID);
        expect(blockEventId(client, task, chunk)).toBe(id);
        expect(blockEventId(client, task, chunk + 1)).not.toBe(id);
      }),
      { numRuns: 500 },
    );
    expect(blockEventId('a', 'bc', 0)).not.toBe(blockEventId('ab', 'c', 0));
  });

  it('hashes block ids as a Hash object does (ids already on calendars must not change)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.nat(1000), (client, task, chunk) => {
        const digest = createHash('sha256')
          .update(JSON.stringify(['vahub-block', client, task, String(chunk)]))
          .digest();
        expect(blockEventId(client, task, chunk)).toBe(base32hex(digest));
      }),
      { numRuns: 300 },
    );
  });

  it('keys an invoice by its entries in any order', () => {
    const key = invoiceIdempotencyKey('koala-co', '2026-11', ['3', '1', '2']);
    expect(invoiceIdempotencyKey('koala-co', '2026-11', ['1', '2', '3'])).toBe(key);
    expect(invoiceIdempotencyKey('koala-co', '2026-11', ['1', '2'])).not.toBe(key);
    expect(key.length).toBeLessThanOrEqual(128);
  });
});

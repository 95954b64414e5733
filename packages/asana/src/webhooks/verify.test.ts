import { signHmacSha256 } from '@vahub/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAsanaDelivery, verifyAsanaSignature } from './verify.js';

const secret = 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81';
// Hand-authored in the shape of Asana's EventResponse examples (asana_oas.yaml), with the spacing and
// an escaped character a JSON re-serialisation would change.
const body = Buffer.from(
  '{"events": [{"user": {"gid": "12345", "resource_type": "user", "name": "Gr\\u00e9g"},' +
    ' "resource": {"gid": "67890", "resource_type": "task", "name": "Bug Task"}, "type": "task",' +
    ' "action": "changed", "created_at": "2012-02-22T02:06:58.147Z",' +
    ' "change": {"field": "assignee", "action": "changed", "new_value": {"gid": "12345", "resource_type": "user"}}}]}',
  'utf8',
);
const signature = signHmacSha256(secret, body, 'hex');

describe('verifyAsanaSignature', () => {
  it('passes the signature Asana would send', () => {
    expect(signature).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyAsanaSignature({ rawBody: body, secret, signature })).toEqual({ ok: true });
  });

  it('fails when any one byte of the body changed', () => {
    const changed = Buffer.from(body);
    changed[40] = (changed[40] ?? 0) ^ 0x01;
    expect(verifyAsanaSignature({ rawBody: changed, secret, signature })).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
  });

  it('fails under a different secret', () => {
    expect(verifyAsanaSignature({ rawBody: body, secret: `${secret.slice(0, -1)}0`, signature })).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
  });

  it('reports a missing header, a missing secret and malformed headers', () => {
    expect(verifyAsanaSignature({ rawBody: body, secret, signature: undefined })).toEqual({
      ok: false,
      error: 'missing_signature',
    });
    expect(verifyAsanaSignature({ rawBody: body, secret, signature: '  ' })).toEqual({
      ok: false,
      error: 'missing_signature',
    });
    expect(verifyAsanaSignature({ rawBody: body, secret: '', signature })).toEqual({
      ok: false,
      error: 'missing_secret',
    });
    for (const bad of [
      signature.slice(1),
      `${signature}00`,
      `sha256=${signature}`,
      'zz'.repeat(32),
      Buffer.from(signature, 'hex').toString('base64'),
    ]) {
      expect(verifyAsanaSignature({ rawBody: body, secret, signature: bad })).toEqual({
        ok: false,
        error: 'malformed_signature',
      });
    }
  });

  it('passes the uppercase hex of the right digest: core compares bytes, not text', () => {
    // Asana sends lowercase; hex case carries no information, so accepting either loses nothing.
    expect(verifyAsanaSignature({ rawBody: body, secret, signature: signature.toUpperCase() })).toEqual({
      ok: true,
    });
  });

  it('fails over a body re-serialised from the parsed JSON', () => {
    const reserialised = JSON.stringify(JSON.parse(body.toString('utf8')));
    expect(reserialised).not.toBe(body.toString('utf8'));
    expect(verifyAsanaSignature({ rawBody: reserialised, secret, signature })).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
  });

  it('never throws, and says ok only for the true digest (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ maxLength: 80 }),
        fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9a-fA-F]{64}$/)), {
          nil: undefined,
        }),
        (raw, key, sig) => {
          const result = verifyAsanaSignature({ rawBody: raw, secret: key, signature: sig });
          const truth =
            key.length > 0 &&
            sig !== undefined &&
            sig.trim().toLowerCase() === signHmacSha256(key, raw, 'hex');
          expect(result.ok).toBe(truth);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('any single flipped bit of a signed body fails (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (raw, at, bit) => {
          const sig = signHmacSha256(secret, raw, 'hex');
          const flipped = Uint8Array.from(raw);
          const i = at % flipped.length;
          flipped[i] = (flipped[i] ?? 0) ^ (1 << bit);
          expect(verifyAsanaSignature({ rawBody: raw, secret, signature: sig }).ok).toBe(true);
          expect(verifyAsanaSignature({ rawBody: flipped, secret, signature: sig }).ok).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('parseAsanaDelivery', () => {
  it('reads task events into changes of the watched project', () => {
    expect(parseAsanaDelivery(body, '555')).toEqual({
      ok: true,
      heartbeat: false,
      changes: [{ taskId: '67890', projectId: '555', action: 'changed', at: '2012-02-22T02:06:58.147Z' }],
      skipped: [],
    });
  });

  it('a heartbeat is an empty batch', () => {
    expect(parseAsanaDelivery('{"events":[]}', '555')).toEqual({
      ok: true,
      heartbeat: true,
      changes: [],
      skipped: [],
    });
  });

  it('skips (and says so) events that are not about tasks or cannot be read', () => {
    const mixed = JSON.stringify({
      events: [
        {
          action: 'added',
          resource: { gid: '1', resource_type: 'story' },
          parent: { gid: '2', resource_type: 'task' },
        },
        { action: 'deleted', resource: { gid: '3', resource_type: 'task' }, parent: null },
        { action: 'changed' },
      ],
    });
    const parsed = parseAsanaDelivery(mixed, '555');
    expect(parsed).toMatchObject({
      ok: true,
      changes: [{ taskId: '3', projectId: '555', action: 'deleted', at: null }],
      skipped: [
        { index: 0, reason: 'not a task event (story)' },
        { index: 2, reason: expect.stringContaining('resource') },
      ],
    });
  });

  it('bad bodies are results, not exceptions', () => {
    expect(parseAsanaDelivery('not json', null)).toMatchObject({ ok: false, error: 'not_json' });
    expect(parseAsanaDelivery('{"data":[]}', null)).toMatchObject({ ok: false, error: 'not_an_event_batch' });
    expect(parseAsanaDelivery('null', null)).toMatchObject({ ok: false, error: 'not_an_event_batch' });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.json()), (raw) => {
        const parsed = parseAsanaDelivery(raw, '1');
        expect(typeof parsed.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});

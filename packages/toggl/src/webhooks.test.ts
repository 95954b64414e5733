import { signHmacSha256 } from '@vahub/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PING, SECRET, sign, timeEntryEvent } from './test-support/toggl-events.js';
import { parseTogglWebhook, verifyTogglSignature } from './webhooks.js';

describe('verifyTogglSignature', () => {
  it('accepts a valid signature over the raw body', () => {
    expect(verifyTogglSignature({ rawBody: PING, secret: SECRET, signature: sign(PING) })).toEqual({
      ok: true,
    });
  });

  it('accepts the raw bytes as a Buffer too', () => {
    expect(
      verifyTogglSignature({ rawBody: Buffer.from(PING), secret: SECRET, signature: sign(PING) }).ok,
    ).toBe(true);
  });

  it('refuses a tampered body', () => {
    const tampered = PING.replace('"creator_id":6', '"creator_id":7');
    expect(verifyTogglSignature({ rawBody: tampered, secret: SECRET, signature: sign(PING) })).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
  });

  it('refuses re-serialised JSON (same data, other bytes)', () => {
    const reserialised = JSON.stringify(JSON.parse(PING), null, 2);
    expect(verifyTogglSignature({ rawBody: reserialised, secret: SECRET, signature: sign(PING) }).ok).toBe(
      false,
    );
  });

  it('refuses the wrong secret', () => {
    expect(
      verifyTogglSignature({ rawBody: PING, secret: 'another-secret-value', signature: sign(PING) }),
    ).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
  });

  it('refuses a missing header', () => {
    expect(verifyTogglSignature({ rawBody: PING, secret: SECRET, signature: undefined })).toEqual({
      ok: false,
      error: 'missing_signature',
    });
    expect(verifyTogglSignature({ rawBody: PING, secret: SECRET, signature: '' }).ok).toBe(false);
  });

  it('refuses a malformed header', () => {
    for (const bad of ['sha256=xyz', 'sha256=', `sha256=${'a'.repeat(63)}`, 'garbage']) {
      expect(verifyTogglSignature({ rawBody: PING, secret: SECRET, signature: bad })).toEqual({
        ok: false,
        error: 'malformed_signature',
      });
    }
  });

  it('refuses a signature without the sha256= prefix, even a correct digest', () => {
    const bare = sign(PING).slice('sha256='.length);
    expect(verifyTogglSignature({ rawBody: PING, secret: SECRET, signature: bare })).toEqual({
      ok: false,
      error: 'malformed_signature',
    });
  });

  it('refuses when vahub holds no secret', () => {
    expect(verifyTogglSignature({ rawBody: PING, secret: undefined, signature: sign(PING) })).toEqual({
      ok: false,
      error: 'missing_secret',
    });
  });

  it('holds for any body and secret: signed passes, a flipped byte fails', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.nat(),
        (body, secret, at) => {
          const signature = `sha256=${signHmacSha256(secret, body, 'hex')}`;
          expect(verifyTogglSignature({ rawBody: body, secret, signature }).ok).toBe(true);
          const flipped = Uint8Array.from(body);
          const i = at % flipped.length;
          flipped[i] = (flipped[i] ?? 0) ^ 0x01;
          expect(verifyTogglSignature({ rawBody: flipped, secret, signature })).toEqual({
            ok: false,
            error: 'signature_mismatch',
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('parseTogglWebhook', () => {
  it('takes the ids from metadata when the payload is not an entry', () => {
    const body = JSON.stringify({
      event_id: 5,
      metadata: { action: 'deleted', model: 'time_entry', time_entry_id: '88', workspace_id: '42' },
      payload: 'deleted',
    });
    expect(parseTogglWebhook(body)).toEqual({
      ok: true,
      event: {
        kind: 'time_entry',
        eventId: '5',
        subscriptionId: null,
        at: null,
        action: 'deleted',
        entryId: '88',
        workspaceId: '42',
        entry: null,
      },
    });
  });

  it('reads the entry a payload carries, flagged when deleted, and when the change happened', () => {
    for (const action of ['created', 'updated', 'deleted'] as const) {
      const parsed = parseTogglWebhook(timeEntryEvent(action));
      const event = parsed.ok && parsed.event.kind === 'time_entry' ? parsed.event : null;
      expect(event).toMatchObject({ eventId: '991', subscriptionId: '6', at: '2026-11-02T10:00:00.000Z' });
      expect(event?.entry?.tags).toEqual(['invoiced']);
      expect(event?.entry?.deleted).toBe(action === 'deleted' ? true : undefined);
    }
  });

  it('accepts the legacy wid alias in a payload', () => {
    const body = timeEntryEvent('created', { workspace_id: undefined, wid: 43 });
    const parsed = parseTogglWebhook(body);
    expect(parsed.ok && parsed.event.kind === 'time_entry' && parsed.event.workspaceId).toBe('43');
  });

  it('passes other models through as "other"', () => {
    const body = JSON.stringify({
      event_id: 7,
      metadata: { action: 'created', model: 'project', workspace_id: '42' },
      payload: { id: 1 },
    });
    expect(parseTogglWebhook(body)).toEqual({
      ok: true,
      event: { kind: 'other', eventId: '7', model: 'project', action: 'created', workspaceId: '42' },
    });
  });
});

import { signHmacSha256 } from '@vahub/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleTogglWebhook, parseTogglWebhook, verifyTogglSignature } from './webhooks.js';

const SECRET = 'PGuRrhCFajIyEvFlreKL';
const sign = (body: string, secret = SECRET) => `sha256=${signHmacSha256(secret, body, 'hex')}`;

// Body shape from Toggl's "Validating received events" page (payload "ping"), hand-authored ids.
const PING = JSON.stringify({
  event_id: 0,
  created_at: '2022-06-25T03:58:10.207820267Z',
  creator_id: 6,
  metadata: { request_type: 'POST', event_user_id: 6 },
  payload: 'ping',
  subscription_id: 6,
  validation_code: 'a1b2c3',
  validation_code_url: 'https://api.track.toggl.com/webhooks/api/v1/validate/42/6/a1b2c3',
  timestamp: '2022-06-25T03:58:10.207820267Z',
});

function timeEntryEvent(action: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    event_id: 991,
    created_at: '2026-11-02T10:00:00Z',
    creator_id: 6,
    metadata: {
      action,
      event_user_id: '6',
      model: 'time_entry',
      path: '/api/v9/workspaces/42/time_entries/4100000123',
      request_type: 'PUT',
      time_entry_id: '4100000123',
      workspace_id: '42',
    },
    payload: {
      id: 4100000123,
      workspace_id: 42,
      project_id: 77,
      task_id: null,
      user_id: 6,
      billable: true,
      start: '2026-11-02T09:00:00+00:00',
      stop: '2026-11-02T10:00:00+00:00',
      duration: 3600,
      description: 'copy',
      tags: ['invoiced'],
      ...extra,
    },
    subscription_id: 6,
    timestamp: '2026-11-02T10:00:00Z',
  });
}

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

describe('parseTogglWebhook and handleTogglWebhook', () => {
  it('answers a verified PING by echoing its validation_code', () => {
    const result = handleTogglWebhook({ rawBody: PING, secret: SECRET, signature: sign(PING) });
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      event: { kind: 'ping', validationCode: 'a1b2c3' },
    });
    expect(result.ok && JSON.parse(result.body)).toEqual({ validation_code: 'a1b2c3' });
  });

  it('answers 401 before reading anything when the signature is wrong', () => {
    expect(
      handleTogglWebhook({ rawBody: PING, secret: 'another-secret-value', signature: sign(PING) }),
    ).toEqual({
      ok: false,
      status: 401,
      error: 'signature_mismatch',
    });
  });

  it.each(['created', 'updated', 'deleted'] as const)('reads "time entry X %s in workspace W"', (action) => {
    const body = timeEntryEvent(action);
    const result = handleTogglWebhook({ rawBody: body, secret: SECRET, signature: sign(body) });
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      body: '',
      event: { kind: 'time_entry', eventId: '991', action, entryId: '4100000123', workspaceId: '42' },
    });
    const event = result.ok ? result.event : null;
    expect(event?.kind === 'time_entry' && event.entry?.tags).toEqual(['invoiced']);
    expect(event?.kind === 'time_entry' && event.entry?.deleted).toBe(
      action === 'deleted' ? true : undefined,
    );
  });

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
        action: 'deleted',
        entryId: '88',
        workspaceId: '42',
        entry: null,
      },
    });
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

  it('answers 400 to a verified body that is not a Toggl event', () => {
    for (const body of [
      'not json',
      '{"hello":1}',
      timeEntryEvent('updated')
        .replace(/"time_entry_id":"\d+",/, '')
        .replace('"id":4100000123,', ''),
    ]) {
      const result = handleTogglWebhook({ rawBody: body, secret: SECRET, signature: sign(body) });
      expect(result).toMatchObject({ ok: false, status: 400, error: 'malformed_body' });
    }
  });
});

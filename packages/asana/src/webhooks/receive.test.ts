import { signHmacSha256 } from '@vahub/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { receiveAsanaWebhook } from './receive.js';
import { MemoryHandshakeRegistry } from './registry.js';

const secret = 'f'.repeat(64);
let registry: MemoryHandshakeRegistry;

beforeEach(() => {
  registry = new MemoryHandshakeRegistry();
});

const pending = (expiresAt = 10_000) =>
  registry.openPending({
    hookKey: 'k1',
    projectId: '11',
    target: 'https://hooks.example/asana/k1',
    expiresAt,
  });

describe('handshake: only during a registration vahub started', () => {
  it('echoes X-Hook-Secret while pending, and notes what was offered', async () => {
    await pending();
    const receipt = await receiveAsanaWebhook({
      registry,
      hookKey: 'k1',
      headers: { 'X-Hook-Secret': secret },
      rawBody: '',
      now: 5_000,
    });
    expect(receipt).toEqual({ kind: 'handshake', status: 200, headers: { 'X-Hook-Secret': secret } });
    expect(await registry.offered('k1')).toEqual([secret]);
  });

  it('refuses with 403 when nothing is pending, when the pending one expired, or for another key', async () => {
    const offer = (hookKey: string, now: number) =>
      receiveAsanaWebhook({ registry, hookKey, headers: { 'x-hook-secret': secret }, rawBody: '', now });
    expect(await offer('k1', 0)).toEqual({
      kind: 'rejected',
      status: 403,
      reason: 'no_pending_registration',
    });
    await pending(10_000);
    expect(await offer('k2', 5_000)).toMatchObject({ status: 403, reason: 'no_pending_registration' });
    expect(await offer('k1', 10_001)).toMatchObject({ status: 403, reason: 'no_pending_registration' });
    expect(await registry.offered('k1')).toEqual([]);
    // A stored secret is never replaced by a handshake: once registered, handshakes are refused.
    await registry.saveSecret({
      hookKey: 'k3',
      webhookId: '9',
      projectId: '11',
      target: 't',
      secret,
      createdAt: '',
    });
    expect(await offer('k3', 0)).toMatchObject({ status: 403 });
    expect((await registry.getSecret('k3'))?.secret).toBe(secret);
  });

  it('refuses malformed secrets and a flood of handshakes', async () => {
    await pending();
    const offer = (s: string) =>
      receiveAsanaWebhook({
        registry,
        hookKey: 'k1',
        headers: { 'x-hook-secret': s },
        rawBody: '',
        now: 0,
        maxHandshakes: 2,
      });
    expect(await offer('short')).toMatchObject({ status: 400, reason: 'malformed_secret' });
    expect(await offer(`${'a'.repeat(20)} ${'b'.repeat(20)}`)).toMatchObject({
      status: 400,
      reason: 'malformed_secret',
    });
    expect(await offer('a'.repeat(32))).toMatchObject({ status: 200 });
    expect(await offer('b'.repeat(32))).toMatchObject({ status: 200 });
    expect(await offer('c'.repeat(32))).toMatchObject({ status: 403, reason: 'too_many_handshakes' });
  });
});

describe('deliveries', () => {
  const events = JSON.stringify({
    events: [{ action: 'changed', resource: { gid: '7', resource_type: 'task' } }],
  });
  const save = () =>
    registry.saveSecret({
      hookKey: 'k1',
      webhookId: '900',
      projectId: '11',
      target: 't',
      secret,
      createdAt: '',
    });

  it('verifies and parses a signed delivery; the delivery id is the body hash', async () => {
    await save();
    const receipt = await receiveAsanaWebhook({
      registry,
      hookKey: 'k1',
      headers: { 'X-Hook-Signature': signHmacSha256(secret, events, 'hex') },
      rawBody: Buffer.from(events),
    });
    expect(receipt).toMatchObject({
      kind: 'events',
      status: 200,
      webhookId: '900',
      projectId: '11',
      changes: [{ taskId: '7', projectId: '11', action: 'changed' }],
      deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('acknowledges a heartbeat', async () => {
    await save();
    const heartbeat = '{"events":[]}';
    const headers = { 'x-hook-signature': signHmacSha256(secret, heartbeat, 'hex') };
    expect(await receiveAsanaWebhook({ registry, hookKey: 'k1', headers, rawBody: heartbeat })).toEqual({
      kind: 'heartbeat',
      status: 200,
      webhookId: '900',
    });
  });

  it('401 for a bad or missing signature, 400 for a signed body that is not an event batch', async () => {
    await save();
    const bad = await receiveAsanaWebhook({
      registry,
      hookKey: 'k1',
      headers: { 'x-hook-signature': 'ab'.repeat(32) },
      rawBody: events,
    });
    expect(bad).toEqual({ kind: 'rejected', status: 401, reason: 'signature_mismatch' });
    expect(
      await receiveAsanaWebhook({ registry, hookKey: 'k1', headers: {}, rawBody: events }),
    ).toMatchObject({
      status: 401,
      reason: 'missing_signature',
    });
    const junk = 'hello';
    const signedJunk = await receiveAsanaWebhook({
      registry,
      hookKey: 'k1',
      headers: { 'x-hook-signature': signHmacSha256(secret, junk, 'hex') },
      rawBody: junk,
    });
    expect(signedJunk).toEqual({ kind: 'rejected', status: 400, reason: 'not_json' });
  });

  it('410 (Asana then deletes the webhook) for a key vahub does not know; 503 mid-registration', async () => {
    expect(
      await receiveAsanaWebhook({ registry, hookKey: 'nope', headers: {}, rawBody: events }),
    ).toMatchObject({
      status: 410,
      reason: 'unknown_webhook',
    });
    await pending(Date.now() + 60_000);
    expect(
      await receiveAsanaWebhook({ registry, hookKey: 'k1', headers: {}, rawBody: events }),
    ).toMatchObject({
      status: 503,
      reason: 'registration_in_progress',
    });
  });
});

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  signHmacSha256,
  stableKey,
  type WebhookEvent,
  type WebhookOutcome,
  type WebhookReceiver,
  type WebhookRequest,
} from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT, draftOf, type Harness, startHarness } from './test-support/harness.js';
import { XeroWebhookSender } from './testing/index.js';
import { verifyXeroSignature, xeroSubscriptions, xeroWebhookReceiver } from './webhooks.js';

const KEY = 'test-webhook-key-0123456789';
// From xero-webhooks.yaml (the CONTACT example) with an INVOICE event added.
const SAMPLE = JSON.stringify({
  events: [
    {
      resourceUrl: 'https://api.xero.com/api.xro/2.0/Contacts/717f2bfc-c6d4-41fd-b238-3f2f0c0cf777',
      resourceId: '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777',
      eventDateUtc: '2024-06-21T01:15:39.902',
      eventType: 'UPDATE',
      eventCategory: 'CONTACT',
      tenantId: 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f',
      tenantType: 'ORGANISATION',
    },
    {
      resourceUrl: 'https://api.xero.com/api.xro/2.0/Invoices/55d84274-a3da-4829-a7c0-0cab601b95cc',
      resourceId: '55d84274-a3da-4829-a7c0-0cab601b95cc',
      eventDateUtc: '2024-06-21T01:15:40.000',
      eventType: 'CREATE',
      eventCategory: 'INVOICE',
      tenantId: 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f',
      tenantType: 'ORGANISATION',
    },
  ],
  lastEventSequence: 2,
  firstEventSequence: 1,
  entropy: 'S0m3r4Nd0mt3xt',
});

describe('verifyXeroSignature', () => {
  it('accepts the base64 HMAC of the raw body and refuses anything else', () => {
    const signature = signHmacSha256(KEY, SAMPLE, 'base64');
    expect(verifyXeroSignature({ rawBody: SAMPLE, signature, webhookKey: KEY })).toEqual({ ok: true });
    expect(verifyXeroSignature({ rawBody: Buffer.from(SAMPLE), signature, webhookKey: KEY })).toEqual({
      ok: true,
    });
    // Re-serialised JSON is different bytes: verification is over the raw body only.
    const reserialised = JSON.stringify(JSON.parse(SAMPLE), null, 1);
    expect(verifyXeroSignature({ rawBody: reserialised, signature, webhookKey: KEY })).toEqual({
      ok: false,
      error: 'signature_mismatch',
    });
    expect(verifyXeroSignature({ rawBody: SAMPLE, signature, webhookKey: `${KEY}x` }).ok).toBe(false);
    expect(verifyXeroSignature({ rawBody: SAMPLE, signature: undefined, webhookKey: KEY })).toEqual({
      ok: false,
      error: 'missing_signature',
    });
    expect(verifyXeroSignature({ rawBody: SAMPLE, signature: 'abc', webhookKey: KEY })).toEqual({
      ok: false,
      error: 'malformed_signature',
    });
    // A hex signature is not Xero's scheme.
    const hex = signHmacSha256(KEY, SAMPLE, 'hex');
    expect(verifyXeroSignature({ rawBody: SAMPLE, signature: hex, webhookKey: KEY }).ok).toBe(false);
    expect(verifyXeroSignature({ rawBody: SAMPLE, signature, webhookKey: '' })).toEqual({
      ok: false,
      error: 'missing_secret',
    });
  });
});

const TENANT = 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f';
const INVOICE = '55d84274-a3da-4829-a7c0-0cab601b95cc';

/** One delivery as the service's route hands it over: raw bytes and lower-cased headers. */
function delivery(body: string, signature: string | undefined): WebhookRequest {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== undefined) headers['x-xero-signature'] = signature;
  return { hook: undefined, headers, rawBody: Buffer.from(body) };
}

const signed = (body: string, key = KEY) => delivery(body, signHmacSha256(key, body, 'base64'));

describe('xeroWebhookReceiver', () => {
  const receiver = xeroWebhookReceiver(KEY);

  it('is one route without a hook segment', () => {
    expect(receiver.hooked).toBe(false);
  });

  it('accepts signed events: one event per INVOICE event, identified by what Xero says happened', async () => {
    const outcome = await receiver.receive(signed(SAMPLE));
    expect(outcome).toMatchObject({ kind: 'accepted', reply: { status: 200, body: '' } });
    const events = outcome.kind === 'accepted' ? outcome.events : [];
    // The CONTACT event is handled and ignored: nothing vahub acts on.
    expect(events).toEqual([
      {
        id: stableKey(['xero', TENANT, INVOICE, '2024-06-21T01:15:40.000', 'CREATE']),
        subject: 'invoice',
        action: 'created',
        resourceId: INVOICE,
        scope: TENANT,
        at: '2024-06-21T01:15:40.000Z',
      },
    ]);
  });

  it('gives a redelivery the same event ids, and another event of the same invoice another id', async () => {
    const first = await receiver.receive(signed(SAMPLE));
    const again = await receiver.receive(signed(SAMPLE.replace('S0m3r4Nd0mt3xt', 'other-entropy')));
    const later = await receiver.receive(signed(SAMPLE.replace('01:15:40.000', '01:20:00.000')));
    const ids = (o: WebhookOutcome) => (o.kind === 'accepted' ? o.events.map((e) => e.id) : []);
    expect(ids(again)).toEqual(ids(first));
    expect(ids(later)).toHaveLength(1);
    expect(ids(later)).not.toEqual(ids(first));
  });

  it('answers an intent-to-receive check: signed → 200 handled, wrongly signed → 401, both with empty bodies', async () => {
    const empty = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: 'X' });
    expect(await receiver.receive(signed(empty))).toMatchObject({
      kind: 'handled',
      reply: { status: 200, body: '' },
    });
    expect(await receiver.receive(signed(empty, 'not-the-key'))).toMatchObject({
      kind: 'rejected',
      reply: { status: 401, body: '' },
      reason: 'x-xero-signature: signature_mismatch',
    });
  });

  it('refuses an unsigned or wrongly signed delivery with 401, and a signed unreadable one with 400', async () => {
    expect(await receiver.receive(delivery(SAMPLE, undefined))).toMatchObject({
      kind: 'rejected',
      reply: { status: 401 },
      reason: 'x-xero-signature: missing_signature',
    });
    expect(await receiver.receive(signed(SAMPLE, 'nope'))).toMatchObject({ reply: { status: 401 } });
    const junk = '{"hello":1}';
    const bad = await receiver.receive(signed(junk));
    expect(bad).toMatchObject({ kind: 'rejected', reply: { status: 400, body: '' } });
    expect(bad.kind === 'rejected' && bad.reason).toMatch(/events/);
    const notJson = await receiver.receive(signed('{"events": ['));
    expect(notJson).toMatchObject({
      kind: 'rejected',
      reply: { status: 400 },
      reason: 'the webhook body is not JSON',
    });
  });

  it('handles and ignores a delivery with only CONTACT events', async () => {
    const contactOnly = JSON.stringify({ ...JSON.parse(SAMPLE), events: [JSON.parse(SAMPLE).events[0]] });
    expect(await receiver.receive(signed(contactOnly))).toMatchObject({
      kind: 'handled',
      reply: { status: 200, body: '' },
    });
  });

  it('without a webhook key refuses every delivery with 401, naming XERO_WEBHOOK_KEY', async () => {
    const outcome = await xeroWebhookReceiver(undefined).receive(signed(SAMPLE));
    expect(outcome).toMatchObject({ kind: 'rejected', reply: { status: 401, body: '' } });
    expect(outcome.kind === 'rejected' && outcome.reason).toMatch(/XERO_WEBHOOK_KEY/);
  });
});

/** A receiver as the service will run it: raw body in, the connector's receiver decides, `reply` goes back. */
async function receiverServer(
  receiver: WebhookReceiver,
  answer?: (outcome: WebhookOutcome) => number,
): Promise<{ url: string; events: WebhookEvent[]; close: () => Promise<void> }> {
  const events: WebhookEvent[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
  const server: Server = createServer(async (req, res) => {
    const rawBody = await read(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    const outcome = await receiver.receive({ hook: undefined, headers, rawBody });
    if (outcome.kind === 'accepted') events.push(...outcome.events);
    res.writeHead(answer ? answer(outcome) : outcome.reply.status, outcome.reply.headers);
    res.end(outcome.reply.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/xero`;
  return { url, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('intent to receive and delivery, over HTTP', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.stop();
    h = null;
  });

  it('passes Xero’s intent-to-receive check', async () => {
    const sender = new XeroWebhookSender(KEY);
    const r = await receiverServer(xeroWebhookReceiver(KEY));
    try {
      const result = await sender.intentToReceive(r.url, { rounds: 6, seed: 42 });
      expect(result.deliveries.map((d) => d.correctlySigned)).toContain(true);
      expect(result.deliveries.map((d) => d.correctlySigned)).toContain(false);
      expect(result.passed).toBe(true);
      expect(r.events).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('control: a receiver that answers 200 to everything fails the check', async () => {
    const sender = new XeroWebhookSender(KEY);
    const r = await receiverServer(xeroWebhookReceiver(KEY), () => 200);
    try {
      expect((await sender.intentToReceive(r.url)).passed).toBe(false);
    } finally {
      await r.close();
    }
  });

  it('delivers signed INVOICE events for drafts vahub created and for what the VA did in Xero', async () => {
    h = await startHarness();
    const contactId = h.fake.addContact({ name: 'Koala Co' }).ContactID;
    const created = await h.invoices.createDraft(
      CLIENT,
      draftOf({ contactId, lines: [{ quantity: '1', unitAmount: '10.00' }] }),
    );
    h.fake.setInvoiceStatus(created.invoiceId, 'DELETED');
    // The receiver the connector built, with the webhook key its config took from XERO_WEBHOOK_KEY.
    const r = await receiverServer(h.xero.webhooks);
    try {
      const sent = await h.fake.deliverPendingEvents(r.url);
      expect(sent).toMatchObject({ status: 200, responseBody: '' });
      expect(r.events.map((e) => [e.scope, e.resourceId, e.action])).toEqual([
        [h.tenantId, created.invoiceId, 'created'],
        [h.tenantId, created.invoiceId, 'changed'],
      ]);
      expect(h.fake.webhooks.hub.deliveries).toHaveLength(1);
    } finally {
      await r.close();
    }
  });
});

describe('xeroSubscriptions', () => {
  it('calls nothing and says what to set in the developer portal, with the delivery URL', async () => {
    const changes = await xeroSubscriptions.ensure({ publicUrl: 'https://va.example/' });
    expect(changes).toMatchObject({ created: [], kept: [], removed: [] });
    expect(changes.manual).toContain('https://va.example/webhooks/xero');
    expect(changes.manual).toContain('XERO_WEBHOOK_KEY');
    expect(await xeroSubscriptions.renew({ publicUrl: 'https://va.example' })).toEqual(changes);
    expect(await xeroSubscriptions.list()).toEqual([]);
  });
});

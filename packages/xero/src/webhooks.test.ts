import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signHmacSha256 } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { draftOf, type Harness, startHarness } from './test-support/harness.js';
import { XeroWebhookSender } from './testing/index.js';
import {
  handleXeroWebhook,
  parseXeroWebhook,
  verifyXeroSignature,
  type XeroInvoiceEvent,
} from './webhooks.js';

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

describe('parseXeroWebhook / handleXeroWebhook', () => {
  it('turns INVOICE events into tenant, invoice id and event type', () => {
    const parsed = parseXeroWebhook(SAMPLE);
    expect(parsed.ok && parsed.invoiceEvents).toEqual([
      {
        tenantId: 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f',
        invoiceId: '55d84274-a3da-4829-a7c0-0cab601b95cc',
        eventType: 'CREATE',
        eventDateUtc: '2024-06-21T01:15:40.000',
      },
    ]);
    expect(parsed.ok && parsed.payload.events).toHaveLength(2);
  });

  it('answers 200 with an empty body when signed, 401 when not, 400 for a signed body that is not an event payload', () => {
    const good = handleXeroWebhook({
      rawBody: SAMPLE,
      signature: signHmacSha256(KEY, SAMPLE, 'base64'),
      webhookKey: KEY,
    });
    expect(good.status).toBe(200);
    expect(good.body).toBe('');
    expect(
      handleXeroWebhook({
        rawBody: SAMPLE,
        signature: signHmacSha256('nope', SAMPLE, 'base64'),
        webhookKey: KEY,
      }),
    ).toMatchObject({ status: 401, body: '', reason: 'signature_mismatch' });
    const junk = '{"hello":1}';
    const bad = handleXeroWebhook({
      rawBody: junk,
      signature: signHmacSha256(KEY, junk, 'base64'),
      webhookKey: KEY,
    });
    expect(bad).toMatchObject({ status: 400, body: '' });
    expect(bad.status === 400 && bad.reason).toMatch(/events/);
  });
});

/** A receiver as the webhooks app will run it: raw body in, `handleXeroWebhook` decides. */
async function receiver(
  webhookKey: string,
  answer?: (outcome: ReturnType<typeof handleXeroWebhook>) => number,
): Promise<{ url: string; events: XeroInvoiceEvent[]; close: () => Promise<void> }> {
  const events: XeroInvoiceEvent[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
  const server: Server = createServer(async (req, res) => {
    const rawBody = await read(req);
    const outcome = handleXeroWebhook({
      rawBody,
      signature: req.headers['x-xero-signature'] as string,
      webhookKey,
    });
    if (outcome.status === 200) events.push(...outcome.invoiceEvents);
    res.writeHead(answer ? answer(outcome) : outcome.status);
    res.end(outcome.body);
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
    const r = await receiver(KEY);
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
    const r = await receiver(KEY, () => 200);
    try {
      expect((await sender.intentToReceive(r.url)).passed).toBe(false);
    } finally {
      await r.close();
    }
  });

  it('delivers signed INVOICE events for drafts vahub created and for what the VA did in Xero', async () => {
    h = await startHarness();
    const contactId = h.fake.addContact({ name: 'Koala Co' }).ContactID;
    const created = await h.connector.createDraft(
      h.tenantId,
      draftOf({ contactId, lines: [{ quantity: '1', unitAmount: '10.00' }] }),
    );
    h.fake.setInvoiceStatus(created.invoiceId, 'DELETED');
    const r = await receiver(h.fake.webhookKey);
    try {
      const delivery = await h.fake.deliverPendingEvents(r.url);
      expect(delivery).toMatchObject({ status: 200, body: '' });
      expect(r.events.map((e) => [e.tenantId, e.invoiceId, e.eventType])).toEqual([
        [h.tenantId, created.invoiceId, 'CREATE'],
        [h.tenantId, created.invoiceId, 'UPDATE'],
      ]);
    } finally {
      await r.close();
    }
  });
});

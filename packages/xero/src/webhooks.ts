import { type VerifyResult, verifyHmacSha256 } from '@vahub/core';
import { z } from 'zod';

/** Verify `x-xero-signature`: base64 HMAC-SHA256 of the raw body with the webhook key, in constant time. */
export function verifyXeroSignature(input: {
  rawBody: Uint8Array | string;
  signature: string | null | undefined;
  webhookKey: string | null | undefined;
}): VerifyResult {
  return verifyHmacSha256({
    rawBody: input.rawBody,
    secret: input.webhookKey,
    signature: input.signature,
    encoding: 'base64',
  });
}

const event = z.object({
  resourceUrl: z.string(),
  resourceId: z.string().min(1),
  eventDateUtc: z.string(),
  eventType: z.string().min(1),
  eventCategory: z.string().min(1),
  tenantId: z.string().min(1),
  tenantType: z.string(),
});

// The intent-to-receive payloads carry sequence 0, below the spec's minimum of 1: accept it.
const payload = z.object({
  events: z.array(event),
  firstEventSequence: z.number().int().min(0),
  lastEventSequence: z.number().int().min(0),
  entropy: z.string(),
});

export type XeroWebhookPayload = z.infer<typeof payload>;

/** "Invoice X of tenant T was created/updated": the worker re-reads the invoice to learn what is true now. */
export interface XeroInvoiceEvent {
  tenantId: string;
  invoiceId: string;
  eventType: 'CREATE' | 'UPDATE';
  eventDateUtc: string;
}

export type ParseResult =
  | { ok: true; payload: XeroWebhookPayload; invoiceEvents: XeroInvoiceEvent[] }
  | { ok: false; error: string };

/** Parse a verified body. INVOICE events become `XeroInvoiceEvent`s; other categories stay in `payload`. */
export function parseXeroWebhook(rawBody: Uint8Array | string): ParseResult {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the webhook body is not JSON' };
  }
  const parsed = payload.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `the webhook body is not a Xero event payload: ${issue?.path.join('.') || '(top)'}: ${issue?.message ?? ''}`,
    };
  }
  const invoiceEvents = parsed.data.events
    .filter((e) => e.eventCategory === 'INVOICE' && (e.eventType === 'CREATE' || e.eventType === 'UPDATE'))
    .map((e) => ({
      tenantId: e.tenantId,
      invoiceId: e.resourceId,
      eventType: e.eventType as 'CREATE' | 'UPDATE',
      eventDateUtc: e.eventDateUtc,
    }));
  return { ok: true, payload: parsed.data, invoiceEvents };
}

/** What the receiver answers Xero, and what (if anything) to enqueue. */
export type XeroWebhookOutcome =
  | { status: 200; body: ''; invoiceEvents: XeroInvoiceEvent[]; payload: XeroWebhookPayload }
  | { status: 401; body: ''; reason: string }
  | { status: 400; body: ''; reason: string };

/**
 * Decide the answer to one delivery. Xero's intent-to-receive check sends correctly and incorrectly
 * signed bodies and expects 200 and 401 with empty bodies; real deliveries get the same treatment, so
 * passing the check and receiving events are one code path. Pure: no I/O, never throws.
 */
export function handleXeroWebhook(input: {
  rawBody: Uint8Array | string;
  signature: string | null | undefined;
  webhookKey: string | null | undefined;
}): XeroWebhookOutcome {
  const verified = verifyXeroSignature(input);
  if (!verified.ok) return { status: 401, body: '', reason: verified.error };
  const parsed = parseXeroWebhook(input.rawBody);
  // Signed by Xero but unreadable: 400 makes Xero retry later instead of losing it silently.
  if (!parsed.ok) return { status: 400, body: '', reason: parsed.error };
  return { status: 200, body: '', invoiceEvents: parsed.invoiceEvents, payload: parsed.payload };
}

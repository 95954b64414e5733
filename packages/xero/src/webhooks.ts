import {
  type EnsureSubscriptionsInput,
  type SubscriptionChanges,
  type SubscriptionManager,
  sha256Hex,
  stableKey,
  type VerifyResult,
  verifyHmacSha256,
  type WebhookEvent,
  type WebhookOutcome,
  type WebhookReceiver,
  type WebhookRequest,
  webhookAddress,
} from '@vahub/core';
import { z } from 'zod';
import { XERO_SECRETS } from './config.js';

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
export type XeroWebhookEvent = XeroWebhookPayload['events'][number];

export type ParseResult = { ok: true; payload: XeroWebhookPayload } | { ok: false; error: string };

/** Parse a verified body into Xero's event payload. */
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
  return { ok: true, payload: parsed.data };
}

/** Xero's event time, UTC without a zone designator ("2024-06-21T01:15:39.902"), as an ISO instant. */
function instantOf(eventDateUtc: string): string | null {
  const text = /(Z|[+-]\d\d:?\d\d)$/.test(eventDateUtc) ? eventDateUtc : `${eventDateUtc}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/**
 * An INVOICE event as vahub's "something changed": the worker re-reads the invoice. Its id is the
 * event's identity at Xero (organisation, invoice, time and type), so a redelivery collapses onto the
 * first. Other categories (CONTACT, …) say nothing vahub acts on.
 */
export function toWebhookEvent(e: XeroWebhookEvent): WebhookEvent | null {
  if (e.eventCategory !== 'INVOICE') return null;
  return {
    id: stableKey(['xero', e.tenantId, e.resourceId, e.eventDateUtc, e.eventType]),
    subject: 'invoice',
    action: e.eventType === 'CREATE' ? 'created' : 'changed',
    resourceId: e.resourceId,
    scope: e.tenantId,
    at: instantOf(e.eventDateUtc),
  };
}

/** Xero wants an empty body on every answer, 200 and 401 alike. */
function reject(status: 400 | 401, reason: string): WebhookOutcome {
  return { kind: 'rejected', reply: { status, body: '' }, reason };
}

/**
 * Xero's webhook side, on one route (`/webhooks/xero`, no hook segment). The intent-to-receive check
 * sends empty payloads, some signed correctly and some not, and wants 200 and 401 with empty bodies:
 * it takes the same path as a real delivery, so passing the check and receiving events are one code.
 * Never throws.
 */
export function xeroWebhookReceiver(webhookKey: string | undefined): WebhookReceiver {
  return {
    hooked: false,
    async receive(request: WebhookRequest): Promise<WebhookOutcome> {
      if (!webhookKey) {
        return reject(
          401,
          `no Xero webhook key is configured: set ${XERO_SECRETS.webhookKey.env} (auth.xero.webhookKey) to ${XERO_SECRETS.webhookKey.description}`,
        );
      }
      const signature = request.headers['x-xero-signature'];
      const verified = verifyXeroSignature({ rawBody: request.rawBody, signature, webhookKey });
      if (!verified.ok) return reject(401, `x-xero-signature: ${verified.error}`);
      const parsed = parseXeroWebhook(request.rawBody);
      // Signed by Xero but unreadable: 400 makes Xero retry later instead of losing it silently.
      if (!parsed.ok) return reject(400, parsed.error);
      const { events } = parsed.payload;
      const reply = { status: 200, body: '' };
      if (events.length === 0) return { kind: 'handled', reply, note: 'intent to receive: signature valid' };
      const changes = events.map(toWebhookEvent).filter((e): e is WebhookEvent => e !== null);
      if (changes.length === 0) {
        return { kind: 'handled', reply, note: `${events.length} event(s), none about invoices` };
      }
      const deliveryId = sha256Hex(request.rawBody).slice(0, 32);
      return { kind: 'accepted', reply, deliveryId, events: changes };
    },
  };
}

/** What a person does instead of an API call: Xero's webhooks are set up in its developer portal. */
export function xeroWebhookManual(publicUrl: string): string {
  return (
    `Xero webhooks are set up by hand, not through an API: developer.xero.com → My Apps → vahub → Webhooks, ` +
    `delivery URL ${webhookAddress(publicUrl, 'xero')}, events Invoices (and Contacts if wanted), then "Send ` +
    `'Intent to receive'" and put the webhook key in ${XERO_SECRETS.webhookKey.env}`
  );
}

const manual = async (input: EnsureSubscriptionsInput): Promise<SubscriptionChanges> => ({
  created: [],
  kept: [],
  removed: [],
  manual: xeroWebhookManual(input.publicUrl),
});

/**
 * Xero's side of the subscriptions capability: nothing to call. Xero offers no API to create,
 * list or remove webhooks; each app has one, configured in the developer portal. `ensure` and
 * `renew` say what to set there.
 */
export const xeroSubscriptions: SubscriptionManager = {
  ensure: manual,
  renew: manual,
  list: async () => [],
};

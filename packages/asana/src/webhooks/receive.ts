import { createHash } from 'node:crypto';
import type { TaskChange, VerifyResult } from '@vahub/core';
import type { HandshakeRegistry } from './registry.js';
import { parseAsanaDelivery, type SkippedEvent, verifyAsanaSignature } from './verify.js';

/** Node's `IncomingHttpHeaders` or any header map; names are matched without regard to case. */
export type HeaderMap = Record<string, string | string[] | undefined>;

export interface ReceiveInput {
  registry: HandshakeRegistry;
  /** The last segment of the URL the request came in on. */
  hookKey: string;
  headers: HeaderMap;
  /** The body exactly as received. */
  rawBody: Uint8Array | string;
  now?: number;
  /** At most this many handshakes per pending registration are answered. @defaultValue 5 */
  maxHandshakes?: number;
}

/** What to answer and what happened. Every outcome is a value: nothing here throws on bad input. */
export type Receipt =
  | { kind: 'handshake'; status: 200; headers: { 'X-Hook-Secret': string } }
  | { kind: 'heartbeat'; status: 200; webhookId: string }
  | {
      kind: 'events';
      status: 200;
      webhookId: string;
      projectId: string;
      changes: TaskChange[];
      skipped: SkippedEvent[];
      /** SHA-256 of the body: Asana sends no event ids, so this is the dedupe key of a redelivery. */
      deliveryId: string;
    }
  | {
      kind: 'rejected';
      status: 400 | 401 | 403 | 410 | 503;
      reason:
        | 'no_pending_registration'
        | 'too_many_handshakes'
        | 'malformed_secret'
        | 'unknown_webhook'
        | 'registration_in_progress'
        | Exclude<VerifyResult, { ok: true }>['error']
        | 'not_json'
        | 'not_an_event_batch';
    };

function header(headers: HeaderMap, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Asana's secrets are 64 hex digits; anything printable and short enough is tolerated, nothing else. */
const SECRET = /^[\x21-\x7e]{16,256}$/;

/**
 * The receiver's whole job for one Asana request, as a decision:
 * - `X-Hook-Secret` present: a handshake. Echoed only while a registration vahub started for this
 *   hook key is pending (and noted, so the registering side can spot foreign ones); refused otherwise.
 * - otherwise a delivery: verified against the stored secret over the raw bytes, then parsed. A hook
 *   key vahub does not know answers 410, which tells Asana to delete that webhook.
 */
export async function receiveAsanaWebhook(input: ReceiveInput): Promise<Receipt> {
  const now = input.now ?? Date.now();
  const offered = header(input.headers, 'x-hook-secret');
  if (offered !== undefined) {
    if (!SECRET.test(offered)) return { kind: 'rejected', status: 400, reason: 'malformed_secret' };
    const pending = await input.registry.getPending(input.hookKey, now);
    if (!pending) return { kind: 'rejected', status: 403, reason: 'no_pending_registration' };
    const count = await input.registry.noteOffered(input.hookKey, offered);
    if (count > (input.maxHandshakes ?? 5)) {
      return { kind: 'rejected', status: 403, reason: 'too_many_handshakes' };
    }
    return { kind: 'handshake', status: 200, headers: { 'X-Hook-Secret': offered } };
  }
  const record = await input.registry.getSecret(input.hookKey);
  if (!record) {
    // Mid-registration the secret is not saved yet: a 503 makes Asana retry; a 410 would delete the hook.
    if (await input.registry.getPending(input.hookKey, now)) {
      return { kind: 'rejected', status: 503, reason: 'registration_in_progress' };
    }
    return { kind: 'rejected', status: 410, reason: 'unknown_webhook' };
  }
  const verified = verifyAsanaSignature({
    rawBody: input.rawBody,
    secret: record.secret,
    signature: header(input.headers, 'x-hook-signature'),
  });
  if (!verified.ok) return { kind: 'rejected', status: 401, reason: verified.error };
  const parsed = parseAsanaDelivery(input.rawBody, record.projectId);
  if (!parsed.ok) return { kind: 'rejected', status: 400, reason: parsed.error };
  if (parsed.heartbeat) return { kind: 'heartbeat', status: 200, webhookId: record.webhookId };
  return {
    kind: 'events',
    status: 200,
    webhookId: record.webhookId,
    projectId: record.projectId,
    changes: parsed.changes,
    skipped: parsed.skipped,
    deliveryId: createHash('sha256').update(input.rawBody).digest('hex'),
  };
}

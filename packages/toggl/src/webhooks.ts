import { type TimeEntry, type VerifyResult, verifyHmacSha256 } from '@vahub/core';
import { z } from 'zod';
import { mapTimeEntry } from './mappers.js';
import { timeEntrySchema } from './schemas.js';

/** The header Toggl signs deliveries in, lower-cased as Node presents it. */
export const TOGGL_SIGNATURE_HEADER = 'x-webhook-signature-256';

export type TimeEntryAction = 'created' | 'updated' | 'deleted';

/** What a verified Toggl delivery says. */
export type TogglWebhookEvent =
  | { kind: 'ping'; eventId: string; subscriptionId: string | null; validationCode: string | null }
  | {
      kind: 'time_entry';
      /** Toggl's event id: with the subscription id, the dedupe key for the job it becomes. */
      eventId: string;
      subscriptionId: string | null;
      /** When Toggl says the change happened (`created_at`), as a UTC instant; null when absent or unreadable. */
      at: string | null;
      action: TimeEntryAction;
      entryId: string;
      workspaceId: string;
      /** The entry as the event carried it, when it carried one; the worker re-reads it anyway. */
      entry: TimeEntry | null;
    }
  | {
      kind: 'other';
      eventId: string;
      model: string | null;
      action: string | null;
      workspaceId: string | null;
    };

/** Toggl writes some ids as numbers and some (in `metadata`) as strings. */
const idLike = z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String);

const envelopeSchema = z.looseObject({
  event_id: idLike,
  created_at: z.string().optional(),
  subscription_id: idLike.optional(),
  validation_code: z.string().optional(),
  validation_code_url: z.string().optional(),
  metadata: z
    .looseObject({
      action: z.string().optional(),
      model: z.string().optional(),
      workspace_id: idLike.optional(),
      time_entry_id: idLike.optional(),
    })
    .optional(),
  payload: z.unknown(),
});

const payloadIdsSchema = z.looseObject({
  id: idLike.optional(),
  workspace_id: idLike.nullable().optional(),
  wid: idLike.nullable().optional(),
});

const ACTIONS: readonly string[] = ['created', 'updated', 'deleted'];

export type ParseResult =
  | { ok: true; event: TogglWebhookEvent }
  | { ok: false; error: 'malformed_body'; message: string };

/** Verify `X-Webhook-Signature-256` (`sha256=<hex>`, HMAC-SHA256 of the raw body) in constant time. */
export function verifyTogglSignature(input: {
  rawBody: Uint8Array | string;
  secret: string | null | undefined;
  signature: string | null | undefined;
}): VerifyResult {
  return verifyHmacSha256({ ...input, encoding: 'hex', prefix: 'sha256=' });
}

const malformed = (message: string): ParseResult => ({ ok: false, error: 'malformed_body', message });

/** Read a (verified) delivery body into an event. Never throws. */
export function parseTogglWebhook(rawBody: Uint8Array | string): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch {
    return malformed('the body is not JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return malformed(
      `not a Toggl event (${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : '?'})`,
    );
  }
  const env = parsed.data;
  if (env.payload === 'ping') {
    return {
      ok: true,
      event: {
        kind: 'ping',
        eventId: env.event_id,
        subscriptionId: env.subscription_id ?? null,
        validationCode: env.validation_code ?? null,
      },
    };
  }
  const model = env.metadata?.model ?? null;
  const action = env.metadata?.action ?? null;
  const ids = payloadIdsSchema.safeParse(env.payload);
  const workspaceId =
    (ids.success ? (ids.data.workspace_id ?? ids.data.wid) : null) ?? env.metadata?.workspace_id ?? null;
  if (model !== 'time_entry' || action === null || !ACTIONS.includes(action)) {
    return { ok: true, event: { kind: 'other', eventId: env.event_id, model, action, workspaceId } };
  }
  const entryId = (ids.success ? ids.data.id : undefined) ?? env.metadata?.time_entry_id;
  if (entryId === undefined || workspaceId === null) {
    return malformed('a time entry event without the entry id or the workspace id');
  }
  const full = timeEntrySchema.safeParse(env.payload);
  let entry: TimeEntry | null = null;
  if (full.success) {
    try {
      entry = mapTimeEntry(full.data);
      if (action === 'deleted') entry.deleted = true;
    } catch {
      entry = null;
    }
  }
  const at = env.created_at === undefined ? Number.NaN : Date.parse(env.created_at);
  return {
    ok: true,
    event: {
      kind: 'time_entry',
      eventId: env.event_id,
      subscriptionId: env.subscription_id ?? null,
      at: Number.isNaN(at) ? null : new Date(at).toISOString(),
      action: action as TimeEntryAction,
      entryId,
      workspaceId,
      entry,
    },
  };
}

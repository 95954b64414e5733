import { type TaskChange, type VerifyResult, verifyHmacSha256 } from '@vahub/core';
import { z } from 'zod';
import { toTaskChange } from '../mapping.js';
import { asanaEvent } from '../schemas.js';

/**
 * Check `X-Hook-Signature`: HMAC-SHA256 of the raw body under the handshake secret, hex. Compared as
 * bytes in constant time, so the hex digits' case does not matter (an uppercase rendering of the right
 * digest passes; Asana sends lowercase). Never throws.
 */
export function verifyAsanaSignature(input: {
  rawBody: Uint8Array | string;
  secret: string | null | undefined;
  signature: string | null | undefined;
}): VerifyResult {
  return verifyHmacSha256({ ...input, encoding: 'hex' });
}

const batch = z.object({ events: z.array(z.unknown()) });

export interface SkippedEvent {
  index: number;
  reason: string;
}

export type ParsedDelivery =
  | {
      ok: true;
      /** `events: []`: Asana checking the target is alive. Acknowledge it, nothing else. */
      heartbeat: boolean;
      changes: TaskChange[];
      /** Events that are not about tasks, or not readable: counted, never thrown. */
      skipped: SkippedEvent[];
    }
  | { ok: false; error: 'not_json' | 'not_an_event_batch'; detail: string };

/** A task change with the event it came from, as Asana rendered it: its identity for dedupe. */
export interface IdentifiedChange {
  change: TaskChange;
  /** The event's JSON as received (re-stringified from the parse of the exact bytes): the same event, the same text. */
  identity: string;
}

export type ReadDelivery =
  | { ok: true; heartbeat: boolean; changes: IdentifiedChange[]; skipped: SkippedEvent[] }
  | Extract<ParsedDelivery, { ok: false }>;

/**
 * Read a verified delivery into "task X of project Y changed/added/removed/deleted/undeleted", each
 * with its event's identity. `projectId` is the project the webhook watches (the default when an
 * event names no project).
 */
export function readAsanaDelivery(rawBody: Uint8Array | string, projectId: string | null): ReadDelivery {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: 'not_json', detail: (err as Error).message.slice(0, 200) };
  }
  const body = batch.safeParse(json);
  if (!body.success) {
    return { ok: false, error: 'not_an_event_batch', detail: 'expected an object with an "events" array' };
  }
  const changes: IdentifiedChange[] = [];
  const skipped: SkippedEvent[] = [];
  body.data.events.forEach((item, index) => {
    const event = asanaEvent.safeParse(item);
    if (!event.success) {
      const issue = event.error.issues[0];
      skipped.push({
        index,
        reason: `${issue?.path.join('.') || '(event)'}: ${issue?.message ?? 'invalid'}`,
      });
      return;
    }
    const change = toTaskChange(event.data, projectId);
    if (change) changes.push({ change, identity: JSON.stringify(item) });
    else
      skipped.push({
        index,
        reason: `not a task event (${event.data.resource.resource_type ?? event.data.type})`,
      });
  });
  return { ok: true, heartbeat: body.data.events.length === 0, changes, skipped };
}

/** `readAsanaDelivery` without the identities: the changes alone. */
export function parseAsanaDelivery(rawBody: Uint8Array | string, projectId: string | null): ParsedDelivery {
  const read = readAsanaDelivery(rawBody, projectId);
  if (!read.ok) return read;
  return { ...read, changes: read.changes.map((c) => c.change) };
}

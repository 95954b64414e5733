import type { IsoInstant } from '../domain/types.js';

/** One webhook delivery as the receiver got it: raw bytes, never re-serialised JSON. */
export interface WebhookRequest {
  /** The last path segment (`/webhooks/asana/:hook`), when the route has one. */
  hook: string | undefined;
  /** Lower-cased header names. */
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
}

/** What to answer the vendor. */
export interface WebhookReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** "Something changed": the job re-reads the truth from the app, so an event says *that*, not *what*. */
export interface WebhookEvent {
  /**
   * The event's identity at the vendor (or a digest of it): the job id derives from it, so a
   * redelivery collapses onto the first.
   */
  id: string;
  subject: 'task' | 'time-entry' | 'calendar' | 'invoice';
  action: 'created' | 'changed' | 'deleted';
  /** The task, entry or invoice; null when the vendor only says "something in here changed". */
  resourceId: string | null;
  /** Where the change happened in the vendor's terms (project, workspace, tenant, channel), opaque. */
  scope: string | null;
  at: IsoInstant | null;
}

/**
 * What a connector made of a delivery. The receiver answers `reply` and, for `accepted`, enqueues
 * the events; `handled` needs nothing more (a handshake, an intent-to-receive check, a ping).
 * Anything unsigned or malformed is `rejected` with a 4xx, never an exception.
 */
export type WebhookOutcome =
  | { kind: 'accepted'; reply: WebhookReply; deliveryId: string; events: WebhookEvent[] }
  | { kind: 'handled'; reply: WebhookReply; note: string }
  | { kind: 'rejected'; reply: WebhookReply; reason: string };

/** A connector's webhook side: verify and parse one delivery. Must never throw for bad input. */
export interface WebhookReceiver {
  /** Whether the route takes a `:hook` segment (Asana and Toggl do: one secret per subscription). */
  hooked: boolean;
  receive(request: WebhookRequest): Promise<WebhookOutcome>;
}

/** A 4xx outcome with a plain reason (never the request's bytes, which may be hostile). */
export function rejectWebhook(
  status: 400 | 401 | 403 | 404 | 410 | 413 | 503,
  reason: string,
): WebhookOutcome {
  return { kind: 'rejected', reply: { status }, reason };
}

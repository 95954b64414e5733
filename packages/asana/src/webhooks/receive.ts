import {
  type Logger,
  rejectWebhook,
  sha256Hex,
  silentLogger,
  type TaskChange,
  type WebhookEvent,
  type WebhookOutcome,
  type WebhookReceiver,
  type WebhookRequest,
} from '@vahub/core';
import type { HandshakeRegistry } from './registry.js';
import { readAsanaDelivery, verifyAsanaSignature } from './verify.js';

export interface AsanaWebhookReceiverOptions {
  registry: HandshakeRegistry;
  /** At most this many handshakes per pending registration are answered. @defaultValue 5 */
  maxHandshakes?: number;
  logger?: Logger;
  now?: () => number;
}

/** Asana's secrets are 64 hex digits; anything printable and short enough is tolerated, nothing else. */
const SECRET = /^[\x21-\x7e]{16,256}$/;

/** Asana's five task actions in core's three: "added" and "undeleted" make a task appear, "removed" changes it. */
const ACTIONS: Record<TaskChange['action'], WebhookEvent['action']> = {
  added: 'created',
  undeleted: 'created',
  changed: 'changed',
  removed: 'changed',
  deleted: 'deleted',
};

/**
 * Asana's side of the webhook route (`/webhooks/asana/:hook`, one hook key per registration), as
 * values, never exceptions:
 * - `X-Hook-Secret` present: a handshake, echoed (`handled`) only while a registration vahub started
 *   for this hook key is pending, and noted so the registering side can spot foreign ones; refused
 *   (403) otherwise, also once a secret is stored.
 * - otherwise a delivery, verified over the raw bytes against the stored secret: `accepted` with one
 *   event per task event; an empty batch is Asana's heartbeat (`handled`). A hook key vahub does not
 *   know answers 410, which tells Asana to delete that webhook; one still being registered, 503.
 */
export class AsanaWebhookReceiver implements WebhookReceiver {
  readonly hooked = true;
  private readonly registry: HandshakeRegistry;
  private readonly maxHandshakes: number;
  private readonly logger: Logger;
  private readonly now: () => number;

  constructor(options: AsanaWebhookReceiverOptions) {
    this.registry = options.registry;
    this.maxHandshakes = options.maxHandshakes ?? 5;
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
  }

  async receive(request: WebhookRequest): Promise<WebhookOutcome> {
    const hookKey = request.hook;
    if (!hookKey) return rejectWebhook(404, 'no_hook_key');
    try {
      const offered = request.headers['x-hook-secret'];
      if (offered !== undefined) return await this.handshake(hookKey, offered);
      return await this.delivery(hookKey, request);
    } catch (err) {
      // The state store failed (or holds something unreadable): Asana retries a 503 later.
      this.logger.error({ hookKey, error: (err as Error).name }, 'asana webhook state could not be read');
      return rejectWebhook(503, 'state_unavailable');
    }
  }

  private async handshake(hookKey: string, offered: string): Promise<WebhookOutcome> {
    if (!SECRET.test(offered)) return rejectWebhook(400, 'malformed_secret');
    const pending = await this.registry.getPending(hookKey, this.now());
    if (!pending) return rejectWebhook(403, 'no_pending_registration');
    const count = await this.registry.noteOffered(hookKey, offered);
    if (count > this.maxHandshakes) return rejectWebhook(403, 'too_many_handshakes');
    return {
      kind: 'handled',
      reply: { status: 200, headers: { 'X-Hook-Secret': offered } },
      note: `handshake ${count} of the registration for project ${pending.projectId}`,
    };
  }

  private async delivery(hookKey: string, request: WebhookRequest): Promise<WebhookOutcome> {
    const record = await this.registry.getSecret(hookKey);
    if (!record) {
      // Mid-registration the secret is not saved yet: a 503 makes Asana retry; a 410 would delete the hook.
      if (await this.registry.getPending(hookKey, this.now())) {
        return rejectWebhook(503, 'registration_in_progress');
      }
      return rejectWebhook(410, 'unknown_webhook');
    }
    const verified = verifyAsanaSignature({
      rawBody: request.rawBody,
      secret: record.secret,
      signature: request.headers['x-hook-signature'],
    });
    if (!verified.ok) return rejectWebhook(401, verified.error);
    const parsed = readAsanaDelivery(request.rawBody, record.projectId);
    if (!parsed.ok) return rejectWebhook(400, parsed.error);
    if (parsed.heartbeat) {
      return { kind: 'handled', reply: { status: 200 }, note: `heartbeat of webhook ${record.webhookId}` };
    }
    if (parsed.changes.length === 0) {
      return {
        kind: 'handled',
        reply: { status: 200 },
        note: `no task events in the delivery (${parsed.skipped.length} skipped)`,
      };
    }
    return {
      kind: 'accepted',
      reply: { status: 200 },
      // Asana sends no delivery or event ids: the body's digest names the delivery.
      deliveryId: sha256Hex(request.rawBody),
      events: parsed.changes.map(({ change, identity }) => ({
        id: `asana-${sha256Hex(identity).slice(0, 40)}`,
        subject: 'task' as const,
        action: ACTIONS[change.action],
        resourceId: change.taskId,
        scope: change.projectId,
        at: change.at,
      })),
    };
  }
}

import { randomBytes } from 'node:crypto';
import {
  ConnectorError,
  registerSecret,
  rejectWebhook,
  type StateStore,
  type WebhookEvent,
  type WebhookOutcome,
  type WebhookReceiver,
  type WebhookRequest,
} from '@vahub/core';
import { z } from 'zod';
import type { TogglSubscription } from './mappers.js';
import type { TogglSubscriptions } from './subscriptions.js';
import { parseTogglWebhook, TOGGL_SIGNATURE_HEADER, verifyTogglSignature } from './webhooks.js';

/** State keys: one record per hook, holding the secret vahub chose for that subscription. */
const STATE_PREFIX = 'toggl:webhook:';
const HOOK = /^[A-Za-z0-9_-]{8,64}$/;

const storedSchema = z.object({
  secret: z.string().min(16),
  workspaceId: z.string(),
  subscriptionId: z.string().nullable(),
});
type StoredHook = z.infer<typeof storedSchema>;

/** A subscription vahub made, as the receiver knows it. */
export interface TogglHook {
  /** The last segment of the callback URL: `…/webhooks/toggl/<hook>`. */
  hook: string;
  workspaceId: string;
  subscriptionId: string | null;
}

const ACTION: Record<'created' | 'updated' | 'deleted', WebhookEvent['action']> = {
  created: 'created',
  updated: 'changed',
  deleted: 'deleted',
};

const ok = (body?: string): WebhookOutcome['reply'] =>
  body === undefined
    ? { status: 200 }
    : { status: 200, headers: { 'content-type': 'application/json' }, body };

/**
 * Toggl's webhooks, one secret per subscription: `subscribe` chooses a hook id and a secret, keeps them
 * in the connector's state store, then creates the subscription whose callback ends in the hook id.
 * `receive` finds the secret by the hook, checks `X-Webhook-Signature-256` over the raw bytes in
 * constant time, answers Toggl's validation PING with its code, and turns a time entry event into one
 * `WebhookEvent` whose id is Toggl's own (subscription and event id), so a redelivery collapses.
 */
export class TogglWebhookReceiver implements WebhookReceiver {
  readonly hooked = true;

  constructor(
    private readonly options: {
      state: StateStore | undefined;
      /** Toggl's subscriptions API; a receiver-only process has none (it verifies, never subscribes). */
      subscriptions?: TogglSubscriptions;
    },
  ) {}

  /**
   * Subscribe vahub to a workspace's time entries, delivered to `<callbackBase>/<hook>`. The secret is
   * stored before Toggl is asked, because Toggl sends its signed PING while the subscription is made.
   */
  async subscribe(input: {
    workspaceId: string;
    /** vahub's public address for Toggl deliveries, e.g. `https://va.example/webhooks/toggl`. */
    callbackBase: string;
    description?: string;
  }): Promise<TogglHook & { subscription: TogglSubscription }> {
    const state = this.stateFor('subscribe');
    const api = this.subscriptionsFor('subscribe');
    const hook = randomBytes(16).toString('hex');
    const secret = randomBytes(24).toString('hex');
    await this.remember({ hook, secret, workspaceId: input.workspaceId, subscriptionId: null });
    let subscription: TogglSubscription;
    try {
      subscription = await api.create({
        workspaceId: input.workspaceId,
        urlCallback: `${input.callbackBase.replace(/\/+$/, '')}/${hook}`,
        secret,
        ...(input.description ? { description: input.description } : {}),
      });
    } catch (err) {
      await state.delete(STATE_PREFIX + hook).catch(() => undefined);
      throw err;
    }
    await this.remember({ hook, secret, workspaceId: input.workspaceId, subscriptionId: subscription.id });
    return { hook, workspaceId: input.workspaceId, subscriptionId: subscription.id, subscription };
  }

  /**
   * Keep the secret of a subscription under `hook` (what `subscribe` does; also for one made before,
   * whose secret vahub knows). Toggl's deliveries to `…/<hook>` are then verified with it.
   */
  async remember(input: TogglHook & { secret: string }): Promise<void> {
    const state = this.stateFor('rememberHook');
    if (!HOOK.test(input.hook) || input.secret.length < 16) {
      throw new ConnectorError({
        provider: 'toggl',
        operation: 'rememberHook',
        code: 'validation',
        retryable: false,
        message:
          'a webhook hook id is 8 to 64 letters, digits, "-" or "_", and its secret at least 16 characters',
      });
    }
    registerSecret(input.secret);
    const record: StoredHook = {
      secret: input.secret,
      workspaceId: input.workspaceId,
      subscriptionId: input.subscriptionId,
    };
    await state.set(STATE_PREFIX + input.hook, JSON.stringify(record));
  }

  /** Delete the subscription at Toggl (when vahub knows its id) and forget its secret. */
  async unsubscribe(hook: string): Promise<void> {
    const state = this.stateFor('unsubscribe');
    const stored = parseStored(await state.get(STATE_PREFIX + hook));
    if (!stored) return;
    if (stored.subscriptionId !== null) {
      await this.subscriptionsFor('unsubscribe').delete(stored.workspaceId, stored.subscriptionId);
    }
    await state.delete(STATE_PREFIX + hook);
  }

  /** Forget a hook's secret without asking Toggl (its subscription is already gone there). */
  async forget(hook: string): Promise<void> {
    await this.stateFor('forgetHook').delete(STATE_PREFIX + hook);
  }

  /** The subscriptions vahub holds secrets for. */
  async hooks(): Promise<TogglHook[]> {
    const state = this.stateFor('listHooks');
    const keys = await state.keys(STATE_PREFIX);
    const out: TogglHook[] = [];
    for (const key of keys) {
      const stored = parseStored(await state.get(key));
      const hook = key.slice(STATE_PREFIX.length);
      if (stored) out.push({ hook, workspaceId: stored.workspaceId, subscriptionId: stored.subscriptionId });
    }
    return out;
  }

  async receive(request: WebhookRequest): Promise<WebhookOutcome> {
    const hook = request.hook;
    if (hook === undefined || !HOOK.test(hook)) return rejectWebhook(404, 'no such Toggl webhook');
    if (!this.options.state) return rejectWebhook(404, 'no Toggl webhook is known: vahub has no state store');
    let raw: string | null;
    try {
      raw = await this.options.state.get(STATE_PREFIX + hook);
    } catch {
      return rejectWebhook(503, 'the Toggl webhook secrets could not be read; Toggl delivers again later');
    }
    if (raw === null) return rejectWebhook(404, 'no such Toggl webhook');
    const stored = parseStored(raw);
    if (!stored) return rejectWebhook(503, 'the stored Toggl webhook record is unreadable');
    registerSecret(stored.secret);
    const verified = verifyTogglSignature({
      rawBody: request.rawBody,
      secret: stored.secret,
      signature: request.headers[TOGGL_SIGNATURE_HEADER],
    });
    if (!verified.ok) return rejectWebhook(401, `Toggl signature refused (${verified.error})`);
    const parsed = parseTogglWebhook(request.rawBody);
    if (!parsed.ok) return rejectWebhook(400, parsed.message);
    const event = parsed.event;
    if (event.kind === 'ping') {
      return event.validationCode === null
        ? { kind: 'handled', reply: ok(), note: 'Toggl ping' }
        : {
            kind: 'handled',
            // Echoing the code validates the subscription at once.
            reply: ok(JSON.stringify({ validation_code: event.validationCode })),
            note: `Toggl validation ping for subscription ${event.subscriptionId ?? '?'}`,
          };
    }
    if (event.kind === 'other') {
      return {
        kind: 'handled',
        reply: ok(),
        note: `ignored Toggl ${event.model ?? '?'} ${event.action ?? '?'}`,
      };
    }
    const id = `${event.subscriptionId ?? stored.subscriptionId ?? hook}:${event.eventId}`;
    return {
      kind: 'accepted',
      reply: ok(),
      deliveryId: id,
      events: [
        {
          id,
          subject: 'time-entry',
          action: ACTION[event.action],
          resourceId: event.entryId,
          scope: event.workspaceId,
          at: event.at,
        },
      ],
    };
  }

  private subscriptionsFor(operation: string): TogglSubscriptions {
    return (
      this.options.subscriptions ??
      refuse(
        operation,
        'this Toggl receiver was built without the API (a receiver-only process): subscribe from the worker',
      )
    );
  }

  private stateFor(operation: string): StateStore {
    return (
      this.options.state ??
      refuse(
        operation,
        'Toggl webhooks need a state store for their secrets: build the connector with deps.state',
      )
    );
  }
}

function parseStored(raw: string | null): StoredHook | null {
  if (raw === null) return null;
  try {
    const parsed = storedSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** A call this receiver was not built for: a permanent error saying what is missing. */
function refuse(operation: string, message: string): never {
  throw new ConnectorError({ provider: 'toggl', operation, code: 'validation', retryable: false, message });
}

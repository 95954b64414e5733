import { randomBytes } from 'node:crypto';
import { signHmacSha256 } from '@vahub/core';
import { type HubDelivery, seededRandom, WebhookHub } from '@vahub/testkit';

export interface FakeWebhookEvent {
  resourceUrl: string;
  resourceId: string;
  eventDateUtc: string;
  eventType: 'CREATE' | 'UPDATE';
  eventCategory: 'INVOICE' | 'CONTACT' | 'CREDITNOTE' | 'SUBSCRIPTION';
  tenantId: string;
  tenantType: 'ORGANISATION' | 'APPLICATION';
}

/** What the fake remembers of each delivery. */
export interface XeroDeliveryMeta {
  kind: 'events' | 'intent-to-receive';
  events: FakeWebhookEvent[];
  /** Whether the signature was made with the real webhook key. */
  correctlySigned: boolean;
}

export interface IntentToReceiveResult {
  /** Every correctly signed delivery got 200 with an empty body and every other one 401 with an empty body. */
  passed: boolean;
  deliveries: { correctlySigned: boolean; status: number | null; body: string }[];
}

/** Xero's webhook timestamps: UTC without a zone designator, milliseconds included. */
export function xeroEventDate(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '');
}

/**
 * Delivers webhooks as Xero does, through testkit's `WebhookHub`: the raw JSON body signed with
 * HMAC-SHA256 under the webhook key, base64, in `x-xero-signature`; sequences numbered; and the
 * intent-to-receive check, a series of correctly and incorrectly signed empty payloads.
 */
export class XeroWebhookSender {
  private sequence = 0;

  constructor(
    private readonly webhookKey: string,
    readonly hub: WebhookHub<XeroDeliveryMeta> = new WebhookHub({ name: 'xero' }),
  ) {}

  body(events: FakeWebhookEvent[]): string {
    const first = events.length > 0 ? this.sequence + 1 : 0;
    this.sequence += events.length;
    return JSON.stringify({
      events,
      firstEventSequence: first,
      lastEventSequence: events.length > 0 ? this.sequence : 0,
      entropy: randomBytes(10).toString('hex').toUpperCase(),
    });
  }

  sign(body: string, key = this.webhookKey): string {
    return signHmacSha256(key, body, 'base64');
  }

  /** Deliver these events, correctly signed. */
  deliver(url: string, events: FakeWebhookEvent[]): Promise<HubDelivery<XeroDeliveryMeta>> {
    const body = this.body(events);
    return this.hub.send({
      target: url,
      body,
      headers: { 'content-type': 'application/json', 'x-xero-signature': this.sign(body) },
      meta: { kind: 'events', events, correctlySigned: true },
    });
  }

  /**
   * Run the intent-to-receive check: `rounds` empty payloads in a seeded order, at least one signed
   * correctly and one not (a wrong key), each expecting 200 or 401 with an empty body.
   */
  async intentToReceive(
    url: string,
    options: { rounds?: number; seed?: number } = {},
  ): Promise<IntentToReceiveResult> {
    const rounds = Math.max(2, options.rounds ?? 4);
    const random = seededRandom(options.seed ?? 7);
    const plan = Array.from({ length: rounds }, (_, i) =>
      i === 0 ? true : i === 1 ? false : random() < 0.5,
    );
    for (let i = plan.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [plan[i], plan[j]] = [plan[j] as boolean, plan[i] as boolean];
    }
    const deliveries: IntentToReceiveResult['deliveries'] = [];
    for (const correctlySigned of plan) {
      const body = this.body([]);
      const signature = correctlySigned ? this.sign(body) : this.sign(body, `${this.webhookKey}-wrong`);
      const answer = await this.hub.send({
        target: url,
        body,
        headers: { 'content-type': 'application/json', 'x-xero-signature': signature },
        meta: { kind: 'intent-to-receive', events: [], correctlySigned },
      });
      deliveries.push({ correctlySigned, status: answer.status, body: answer.responseBody });
    }
    const passed = deliveries.every(
      (d) => d.body === '' && (d.correctlySigned ? d.status === 200 : d.status === 401),
    );
    return { passed, deliveries };
  }
}

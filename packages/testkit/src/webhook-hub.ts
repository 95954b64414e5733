import { EventEmitter } from 'node:events';
import { firstMatch } from './wait.js';

/** One POST a fake vendor made to a webhook target, with what came back. */
export interface HubDelivery<M> {
  target: string;
  /** The exact bytes sent. */
  body: string;
  headers: Record<string, string>;
  /** What the fake wants to remember about it (the events, the subscription, a kind). */
  meta: M;
  status: number | null;
  responseHeaders: Record<string, string>;
  responseBody: string;
  error: string | null;
  at: number;
}

export interface HubMessage<M> {
  target: string;
  body: string;
  headers: Record<string, string>;
  meta: M;
  /** Deliveries with the same queue key go out one at a time, in order. @defaultValue the target */
  queue?: string;
}

/**
 * How every fake vendor delivers webhooks: exact bytes, the vendor's headers, a bounded wait, one
 * queue per subscription so deliveries arrive in order, a log to assert on, and `idle()` for a clean
 * teardown. Each fake builds its vendor's payloads and signatures; the hub only carries them.
 */
export class WebhookHub<M = unknown> extends EventEmitter {
  readonly deliveries: HubDelivery<M>[] = [];
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly options: { name: string; timeoutMs?: number } = { name: 'vendor' }) {
    super();
  }

  /** Queue one delivery; resolves with its record once it was attempted. */
  send(message: HubMessage<M>): Promise<HubDelivery<M>> {
    const key = message.queue ?? message.target;
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(() => this.post(message));
    this.queues.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }

  /** Resolve when every queued delivery has been attempted. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.queues.values()];
      await Promise.all(pending);
      if ([...this.queues.values()].every((p, i) => p === pending[i]) && this.queues.size === pending.length)
        return;
    }
  }

  /** The first delivery (made or still to come) matching `predicate`, within `timeoutMs`. */
  waitForDelivery(predicate: (d: HubDelivery<M>) => boolean, timeoutMs = 5000): Promise<HubDelivery<M>> {
    return firstMatch({
      emitter: this,
      event: 'delivery',
      seen: this.deliveries,
      predicate,
      timeoutMs,
      what: `fake ${this.options.name}: no matching webhook delivery`,
    });
  }

  private async post(message: HubMessage<M>): Promise<HubDelivery<M>> {
    const base = { target: message.target, body: message.body, headers: message.headers, meta: message.meta };
    let record: HubDelivery<M>;
    try {
      const res = await fetch(message.target, {
        method: 'POST',
        headers: message.headers,
        body: message.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const responseHeaders: Record<string, string> = {};
      res.headers.forEach((v, k) => {
        responseHeaders[k] = v;
      });
      record = {
        ...base,
        status: res.status,
        responseHeaders,
        responseBody: await res.text(),
        error: null,
        at: Date.now(),
      };
    } catch (err) {
      record = {
        ...base,
        status: null,
        responseHeaders: {},
        responseBody: '',
        error: (err as Error).message,
        at: Date.now(),
      };
    }
    this.deliveries.push(record);
    this.emit('delivery', record);
    return record;
  }
}

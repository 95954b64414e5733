import { stableKey } from '@vahub/core';
import type { Redis } from 'ioredis';
import { bounded, DEFAULT_REDIS_TIMEOUT_MS } from '../redis/bounded.js';
import { corkThisTurn } from '../redis/cork.js';

/**
 * How long an event is remembered. Longer than every provider's redelivery window (Asana retries
 * for 24 h; the others for less), with room for a delivery that was queued at the vendor for days.
 */
export const DEFAULT_DEDUPE_TTL_MS = 8 * 24 * 60 * 60 * 1000;

export interface EventDedupeStoreOptions {
  redis: Redis;
  /** @defaultValue "vahub" */
  prefix?: string;
  /** @defaultValue 8 days (`DEFAULT_DEDUPE_TTL_MS`) */
  ttlMs?: number;
  /** @defaultValue 5_000 */
  timeoutMs?: number;
}

/**
 * Events already taken in, by provider and event identity. A job id collapses a redelivery only
 * while the job's record exists (BullMQ removes finished ones); this outlives the record, so a
 * redelivery a day later is still recognised.
 */
export class EventDedupeStore {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly options: EventDedupeStoreOptions) {
    this.prefix = `${options.prefix ?? 'vahub'}:seen:`;
    this.ttlMs = options.ttlMs ?? DEFAULT_DEDUPE_TTL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS;
  }

  /** Whether the event was remembered before. */
  seen(provider: string, eventId: string): Promise<boolean> {
    return this.seenAt(this.keyOf(provider, eventId));
  }

  /** `seen` by the event's key (`keyOf`): one digest per event when it is checked, then remembered. */
  async seenAt(key: string): Promise<boolean> {
    // A busy receiver checks several events in one turn of the event loop: one write for all of them.
    corkThisTurn(this.options.redis);
    const n = await bounded(this.options.redis.exists(key), {
      ms: this.timeoutMs,
      what: 'an event dedupe check',
    });
    return n === 1;
  }

  /** Remember the event (SET NX); true when this call was the first to. */
  async remember(provider: string, eventId: string): Promise<boolean> {
    const set = await bounded(
      this.options.redis.set(this.keyOf(provider, eventId), String(Date.now()), 'PX', this.ttlMs, 'NX'),
      { ms: this.timeoutMs, what: 'remembering an event' },
    );
    return set === 'OK';
  }

  /**
   * `remember` on a given connection (the one the event's job is added on, right behind the add), by
   * the event's key (`keyOf`): its reply is "OK" when first. Unbounded: the caller bounds the add and
   * this together.
   */
  rememberOn(client: Redis, key: string): Promise<'OK' | null> {
    return client.set(key, String(Date.now()), 'PX', this.ttlMs, 'NX');
  }

  async forget(provider: string, eventId: string): Promise<void> {
    await this.forgetAt(this.keyOf(provider, eventId));
  }

  async forgetAt(key: string): Promise<void> {
    await bounded(this.options.redis.del(key), { ms: this.timeoutMs, what: 'forgetting an event' });
  }

  /** The event's key. A digest keeps keys short whatever a vendor's event identity looks like. */
  keyOf(provider: string, eventId: string): string {
    return `${this.prefix}${provider}:${stableKey([provider, eventId]).slice(0, 40)}`;
  }
}

import { randomBytes } from 'node:crypto';
import { registerSecret, type StateStore } from '@vahub/core';
import { z } from 'zod';

/** A webhook registration vahub has started and not finished: the only time a handshake is answered. */
export interface PendingRegistration {
  /** Names the registration; it is the last segment of the target URL, so the receiver knows which. */
  hookKey: string;
  projectId: string;
  target: string;
  /** Epoch ms after which a handshake for it is refused. */
  expiresAt: number;
}

/** What the receiver needs to verify deliveries of one webhook. */
export interface WebhookSecretRecord {
  hookKey: string;
  webhookId: string;
  projectId: string;
  target: string;
  secret: string;
  createdAt: string;
}

/**
 * Where pending registrations and webhook secrets live. The receiver and the registering worker may
 * be different processes, so `StateHandshakeRegistry` keeps them in the connector's `StateStore`
 * (Redis in the service, encrypted: the secrets are HMAC keys).
 */
export interface HandshakeRegistry {
  openPending(pending: PendingRegistration): Promise<void>;
  /** The pending registration for `hookKey`, or null when there is none or it expired at `now`. */
  getPending(hookKey: string, now: number): Promise<PendingRegistration | null>;
  /** Remember a secret a handshake offered while pending; returns how many have been offered so far. */
  noteOffered(hookKey: string, secret: string): Promise<number>;
  /** Every secret offered by handshakes during the pending registration (empty when there is none). */
  offered(hookKey: string): Promise<string[]>;
  /** End the pending registration (after the secret is saved, so no delivery finds neither). */
  closePending(hookKey: string): Promise<void>;
  saveSecret(record: WebhookSecretRecord): Promise<void>;
  getSecret(hookKey: string): Promise<WebhookSecretRecord | null>;
  deleteSecret(hookKey: string): Promise<void>;
  /** Every webhook vahub keeps a secret for. */
  listSecrets(): Promise<WebhookSecretRecord[]>;
}

/** A fresh, unguessable hook key (URL-safe). */
export function newHookKey(): string {
  return randomBytes(16).toString('base64url');
}

/** The target URL for a hook key under the receiver's public base (`webhooks.publicUrl/…/asana`). */
export function webhookTarget(receiverBaseUrl: string, hookKey: string): string {
  return `${receiverBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(hookKey)}`;
}

const pendingShape = z.object({
  hookKey: z.string(),
  projectId: z.string(),
  target: z.string(),
  expiresAt: z.number(),
});

const recordShape = z.object({
  hookKey: z.string(),
  webhookId: z.string(),
  projectId: z.string(),
  target: z.string(),
  secret: z.string().min(1),
  createdAt: z.string(),
});

/** Handshakes noted per registration, at most; the receiver refuses far fewer (5) anyway. */
const MAX_NOTED = 32;

export interface StateHandshakeRegistryOptions {
  /** Every key starts with it, so the store can be shared with other connectors. @defaultValue "asana:webhooks:" */
  prefix?: string;
  now?: () => number;
}

/**
 * The handshake registry on a `StateStore`. Each offered secret takes the first free numbered slot
 * with `setIfAbsent`, so concurrent handshakes (on any number of receiver processes) are counted
 * exactly; pending entries and their slots expire with the registration window.
 */
export class StateHandshakeRegistry implements HandshakeRegistry {
  private readonly prefix: string;
  private readonly now: () => number;

  constructor(
    private readonly state: StateStore,
    options: StateHandshakeRegistryOptions = {},
  ) {
    this.prefix = options.prefix ?? 'asana:webhooks:';
    this.now = options.now ?? Date.now;
  }

  private key(kind: 'pending' | 'offered' | 'hook', hookKey: string): string {
    return `${this.prefix}${kind}:${encodeURIComponent(hookKey)}`;
  }

  async openPending(pending: PendingRegistration): Promise<void> {
    await this.clearOffered(pending.hookKey);
    await this.state.set(this.key('pending', pending.hookKey), JSON.stringify(pending), {
      ttlMs: this.ttl(pending.expiresAt),
    });
  }

  async getPending(hookKey: string, now: number): Promise<PendingRegistration | null> {
    const text = await this.state.get(this.key('pending', hookKey));
    if (text === null) return null;
    const pending = pendingShape.parse(JSON.parse(text));
    return pending.expiresAt < now ? null : pending;
  }

  async noteOffered(hookKey: string, secret: string): Promise<number> {
    // Whether it is still open was the receiver's question, asked at its own `now`.
    const text = await this.state.get(this.key('pending', hookKey));
    if (text === null) return 0;
    const pending = pendingShape.parse(JSON.parse(text));
    const base = `${this.key('offered', hookKey)}:`;
    for (let slot = 0; slot < MAX_NOTED; slot++) {
      const taken = await this.state.setIfAbsent(`${base}${slot}`, secret, {
        ttlMs: this.ttl(pending.expiresAt),
      });
      if (taken) return slot + 1;
    }
    return MAX_NOTED + 1;
  }

  async offered(hookKey: string): Promise<string[]> {
    const base = `${this.key('offered', hookKey)}:`;
    const keys = await this.state.keys(base);
    const slots = keys
      .map((k) => Number(k.slice(base.length)))
      .filter(Number.isInteger)
      .sort((a, b) => a - b);
    const values = await Promise.all(slots.map((slot) => this.state.get(`${base}${slot}`)));
    return values.filter((v): v is string => v !== null);
  }

  async closePending(hookKey: string): Promise<void> {
    await this.state.delete(this.key('pending', hookKey));
    await this.clearOffered(hookKey);
  }

  async saveSecret(record: WebhookSecretRecord): Promise<void> {
    registerSecret(record.secret);
    await this.state.set(this.key('hook', record.hookKey), JSON.stringify(record));
  }

  async getSecret(hookKey: string): Promise<WebhookSecretRecord | null> {
    const text = await this.state.get(this.key('hook', hookKey));
    if (text === null) return null;
    const record = recordShape.parse(JSON.parse(text));
    registerSecret(record.secret);
    return record;
  }

  async deleteSecret(hookKey: string): Promise<void> {
    await this.state.delete(this.key('hook', hookKey));
  }

  async listSecrets(): Promise<WebhookSecretRecord[]> {
    const base = this.key('hook', '');
    const keys = await this.state.keys(base);
    const out: WebhookSecretRecord[] = [];
    for (const key of keys) {
      // A store may answer whole keys or what follows the prefix.
      const hookKey = decodeURIComponent(key.startsWith(base) ? key.slice(base.length) : key);
      const record = await this.getSecret(hookKey).catch(() => null);
      if (record) out.push(record);
    }
    return out;
  }

  private async clearOffered(hookKey: string): Promise<void> {
    const keys = await this.state.keys(`${this.key('offered', hookKey)}:`);
    await Promise.all(keys.map((k) => this.state.delete(k)));
  }

  /** Entries outlive the window a little, so a handshake at its very end is still counted. */
  private ttl(expiresAt: number): number {
    return Math.max(1, expiresAt - this.now()) + 60_000;
  }
}

import { randomBytes } from 'node:crypto';

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
 * Where pending registrations and webhook secrets live. The caller persists it (Redis in the jobs
 * package: the receiver and the registering worker are different processes); `MemoryHandshakeRegistry`
 * is the in-process one.
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
}

/** A fresh, unguessable hook key (URL-safe). */
export function newHookKey(): string {
  return randomBytes(16).toString('base64url');
}

/** The target URL for a hook key under the receiver's public base (`webhooks.publicUrl/…/asana`). */
export function webhookTarget(receiverBaseUrl: string, hookKey: string): string {
  return `${receiverBaseUrl.replace(/\/+$/, '')}/${encodeURIComponent(hookKey)}`;
}

export class MemoryHandshakeRegistry implements HandshakeRegistry {
  private readonly pending = new Map<string, PendingRegistration & { offered: string[] }>();
  private readonly secrets = new Map<string, WebhookSecretRecord>();

  async openPending(pending: PendingRegistration): Promise<void> {
    this.pending.set(pending.hookKey, { ...pending, offered: [] });
  }

  async getPending(hookKey: string, now: number): Promise<PendingRegistration | null> {
    const found = this.pending.get(hookKey);
    if (!found || found.expiresAt < now) return null;
    const { offered: _, ...pending } = found;
    return pending;
  }

  async noteOffered(hookKey: string, secret: string): Promise<number> {
    const found = this.pending.get(hookKey);
    if (!found) return 0;
    found.offered.push(secret);
    return found.offered.length;
  }

  async offered(hookKey: string): Promise<string[]> {
    return [...(this.pending.get(hookKey)?.offered ?? [])];
  }

  async closePending(hookKey: string): Promise<void> {
    this.pending.delete(hookKey);
  }

  async saveSecret(record: WebhookSecretRecord): Promise<void> {
    this.secrets.set(record.hookKey, { ...record });
  }

  async getSecret(hookKey: string): Promise<WebhookSecretRecord | null> {
    const found = this.secrets.get(hookKey);
    return found ? { ...found } : null;
  }

  async deleteSecret(hookKey: string): Promise<void> {
    this.secrets.delete(hookKey);
  }
}

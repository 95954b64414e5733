import { timingSafeEqual } from 'node:crypto';
import { ConnectorError, registerSecret } from '@vahub/core';
import type { AsanaClient, WebhookFilter } from '../client.js';
import type { AsanaWebhook } from '../schemas.js';
import type { HandshakeRegistry, WebhookSecretRecord } from './registry.js';

/** Task events only: stories, sections and the project's own changes are of no use to vahub. */
export const TASK_FILTERS: WebhookFilter[] = [{ resource_type: 'task' }];

export interface RegisterWebhookInput {
  client: AsanaClient;
  registry: HandshakeRegistry;
  projectId: string;
  /** The receiver's URL for this registration; it must end in `hookKey` (see `webhookTarget`). */
  target: string;
  hookKey: string;
  filters?: WebhookFilter[];
  /** How long the receiver accepts the handshake. @defaultValue 30_000 (Asana waits 10 s for an answer) */
  pendingTtlMs?: number;
  now?: () => number;
}

export interface RegisteredWebhook {
  webhook: AsanaWebhook;
  record: WebhookSecretRecord;
  /** Where the stored secret came from: Asana's 201 answer (authoritative) or the handshake. */
  secretSource: 'response' | 'handshake';
  /** Handshakes during the window that offered another secret than Asana's: someone tried to plant one. */
  foreignHandshakes: number;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function refused(message: string): ConnectorError {
  return new ConnectorError({
    provider: 'asana',
    operation: 'registerWebhook',
    code: 'unexpected_response',
    retryable: false,
    message,
  });
}

/**
 * Create a webhook on a project. A pending registration is opened first, so that the receiver answers
 * the handshake Asana sends during the create call, and nobody else's at any other time. The stored
 * secret is the one Asana returns in its 201 answer (over the authenticated API connection); only if
 * Asana leaves it out is the handshake's secret used, and then only if exactly one was offered.
 */
export async function registerWebhook(input: RegisterWebhookInput): Promise<RegisteredWebhook> {
  const now = input.now ?? Date.now;
  if (!input.target.endsWith(encodeURIComponent(input.hookKey))) {
    throw refused(`target must end with the hook key so the receiver can tell registrations apart`);
  }
  await input.registry.openPending({
    hookKey: input.hookKey,
    projectId: input.projectId,
    target: input.target,
    expiresAt: now() + (input.pendingTtlMs ?? 30_000),
  });
  let created: Awaited<ReturnType<AsanaClient['createWebhook']>>;
  try {
    created = await input.client.createWebhook({
      resource: input.projectId,
      target: input.target,
      filters: input.filters ?? TASK_FILTERS,
    });
  } catch (err) {
    await input.registry.closePending(input.hookKey);
    throw err;
  }
  try {
    const offered = await input.registry.offered(input.hookKey);
    let secret = created.secret;
    let secretSource: RegisteredWebhook['secretSource'] = 'response';
    if (secret === null) {
      const distinct = [...new Set(offered)];
      if (distinct.length !== 1 || distinct[0] === undefined) {
        await input.client.deleteWebhook(created.webhook.gid).catch(() => false);
        throw refused(
          `Asana's answer carried no secret and ${distinct.length} different handshake secrets arrived: webhook deleted`,
        );
      }
      secret = distinct[0];
      secretSource = 'handshake';
    }
    registerSecret(secret);
    const authoritative = secret;
    const record: WebhookSecretRecord = {
      hookKey: input.hookKey,
      webhookId: created.webhook.gid,
      projectId: input.projectId,
      target: input.target,
      secret,
      createdAt: new Date(now()).toISOString(),
    };
    await input.registry.saveSecret(record);
    return {
      webhook: created.webhook,
      record,
      secretSource,
      foreignHandshakes: offered.filter((s) => !same(s, authoritative)).length,
    };
  } finally {
    await input.registry.closePending(input.hookKey);
  }
}

/** Delete a webhook at Asana and forget its secret. False if it was already gone at Asana. */
export async function removeWebhook(input: {
  client: AsanaClient;
  registry: HandshakeRegistry;
  hookKey: string;
}): Promise<boolean> {
  const record = await input.registry.getSecret(input.hookKey);
  if (!record) return false;
  const existed = await input.client.deleteWebhook(record.webhookId);
  await input.registry.deleteSecret(input.hookKey);
  return existed;
}

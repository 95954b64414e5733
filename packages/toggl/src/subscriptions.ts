import { ConnectorError, registerSecret } from '@vahub/core';
import { z } from 'zod';
import type { TogglHttp } from './http.js';
import { mapSubscription, type TogglEventFilter, type TogglSubscription } from './mappers.js';
import { subscriptionSchema } from './schemas.js';

/**
 * What vahub listens to: time entries created, updated and deleted. Three filters, which is exactly
 * what Toggl's Free plan allows per webhook.
 */
export const VAHUB_EVENT_FILTERS: readonly TogglEventFilter[] = [
  { entity: 'time_entry', action: 'created' },
  { entity: 'time_entry', action: 'updated' },
  { entity: 'time_entry', action: 'deleted' },
];

export interface CreateSubscription {
  workspaceId: string;
  /** vahub's public webhook URL for Toggl. */
  urlCallback: string;
  /** The signing secret vahub chose; Toggl signs every delivery with it. */
  secret: string;
  /** Must be unique among the workspace's subscriptions. @defaultValue 'vahub time entries' */
  description?: string;
  eventFilters?: readonly TogglEventFilter[];
}

const path = (workspaceId: string, ...rest: string[]) =>
  ['/subscriptions', workspaceId, ...rest]
    .map((p) => (p.startsWith('/') ? p : encodeURIComponent(p)))
    .join('/');

function requireSecret(secret: string): void {
  if (secret.length < 16) {
    throw new ConnectorError({
      provider: 'toggl',
      operation: 'createSubscription',
      code: 'validation',
      retryable: false,
      message: 'a webhook secret must have at least 16 characters',
    });
  }
}

/** Toggl's Webhooks API v1: subscriptions and their URL validation. */
export class TogglSubscriptions {
  constructor(private readonly http: TogglHttp) {}

  /**
   * Create a subscription. Toggl then sends a signed PING carrying a `validation_code`; vahub's receiver
   * echoes it (`TogglWebhookReceiver`), or `validate` is called with the code later.
   */
  async create(input: CreateSubscription): Promise<TogglSubscription> {
    requireSecret(input.secret);
    registerSecret(input.secret);
    const res = await this.http.request({
      api: 'webhooks',
      method: 'POST',
      path: path(input.workspaceId),
      operation: 'createSubscription',
      body: {
        url_callback: input.urlCallback,
        event_filters: input.eventFilters ?? VAHUB_EVENT_FILTERS,
        enabled: true,
        description: input.description ?? 'vahub time entries',
        secret: input.secret,
      },
      schema: subscriptionSchema,
      // A repeat after a lost answer could make a second subscription: only Toggl's refusals are retried.
      idempotent: false,
    });
    return mapSubscription(res.data);
  }

  async list(workspaceId: string): Promise<TogglSubscription[]> {
    const res = await this.http.request({
      api: 'webhooks',
      method: 'GET',
      path: path(workspaceId),
      operation: 'listSubscriptions',
      // An empty list may come back as `null` (a nil slice serialised); both mean none.
      schema: z.array(subscriptionSchema).nullable(),
    });
    return (res.data ?? []).map(mapSubscription);
  }

  async delete(workspaceId: string, subscriptionId: string): Promise<void> {
    await this.http.request({
      api: 'webhooks',
      method: 'DELETE',
      path: path(workspaceId, subscriptionId),
      operation: 'deleteSubscription',
      schema: null,
    });
  }

  /** The asynchronous validation: hand Toggl back the code its PING carried. */
  async validate(workspaceId: string, subscriptionId: string, validationCode: string): Promise<void> {
    await this.http.request({
      api: 'webhooks',
      method: 'GET',
      path: `/validate/${[workspaceId, subscriptionId, validationCode].map(encodeURIComponent).join('/')}`,
      operation: 'validateSubscription',
      schema: null,
    });
  }

  /** Ask Toggl to send a PING to the subscription's URL (a setup check). */
  async ping(workspaceId: string, subscriptionId: string): Promise<void> {
    await this.http.request({
      api: 'webhooks',
      method: 'POST',
      path: `/ping/${encodeURIComponent(workspaceId)}/${encodeURIComponent(subscriptionId)}`,
      operation: 'pingSubscription',
      schema: null,
    });
  }
}

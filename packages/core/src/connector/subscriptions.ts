/**
 * Webhook registration, vendor-neutral: each connector keeps the subscriptions its config implies
 * (Asana webhooks per project, Toggl subscriptions per workspace, Google push channels on the
 * calendar) pointing at the receiver, with whatever its vendor's API offers. The service calls it
 * on start and daily; the connector alone knows what to subscribe to and how.
 */

/** One subscription at the vendor, as vahub made it. */
export interface Subscription {
  /** The vendor's id of the webhook, subscription or channel. */
  id: string;
  /** What it watches, in the vendor's terms (a project, a workspace, a calendar): opaque. */
  scope: string;
  /** Where the vendor delivers. */
  address: string;
  /** Epoch ms after which the vendor stops delivering; null when it does not expire. */
  expiresAt: number | null;
}

export interface EnsureSubscriptionsInput {
  /**
   * The receiver's public base URL (`webhooks.publicUrl`, e.g. `https://va.example`). Each connector
   * delivers to `<publicUrl>/webhooks/<connector id>[/<hook>]`, the receiver's routes.
   */
  publicUrl: string;
  /** Subscriptions that expire within this are replaced. @defaultValue the connector's own margin */
  renewWithinMs?: number;
}

/** What `ensure` or `renew` did. */
export interface SubscriptionChanges {
  created: Subscription[];
  /** Already there and pointing at the address (and, if they expire, not due for renewal). */
  kept: Subscription[];
  /** vahub's own that were no longer needed: another address, a scope no longer configured, a renewed channel's predecessor, or lost at vahub's side. */
  removed: Subscription[];
  /** Set when the vendor offers no registration API: what a person does instead. */
  manual?: string;
}

export interface SubscriptionManager {
  /**
   * Make sure every subscription the config implies exists and delivers to the address; remove the
   * ones vahub made that are not needed any more. Idempotent: a second call keeps everything.
   * Callers serialise calls per connector (the service holds a lock).
   */
  ensure(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges>;
  /** The subscriptions vahub made and keeps, as vahub knows them. */
  list(): Promise<Subscription[]>;
  /**
   * Keep subscriptions alive: replace those that expire soon, and heal any the vendor lost
   * (`ensure` for vendors whose subscriptions do not expire).
   */
  renew(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges>;
}

/** Where a connector's deliveries go under the receiver's public base URL: `<base>/webhooks/<id>`. */
export function webhookAddress(publicUrl: string, connectorId: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/webhooks/${encodeURIComponent(connectorId)}`;
}

/** Nothing created, kept or removed. */
export const noSubscriptionChanges = (): SubscriptionChanges => ({ created: [], kept: [], removed: [] });

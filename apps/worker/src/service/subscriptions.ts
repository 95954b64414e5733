import {
  isConnectorError,
  isReconnectRequired,
  type Logger,
  type Subscription,
  type SubscriptionManager,
} from '@vahub/core';
import { eachIsolated, messageOf, type ServiceDeps } from './deps.js';

/** `channels.renew` with this provider renews every connector's subscriptions. */
export const ALL_PROVIDERS = 'all';

export interface SubscriptionsOutcome {
  provider: string;
  created: number;
  kept: number;
  removed: number;
  manual?: string;
}

/**
 * A registration the vendor refused for a reason a later try can cure (most often the receiver was
 * not reachable at `webhooks.publicUrl` yet, so Asana's handshake or Toggl's PING failed): retried
 * with the job's backoff rather than parked. A revoked grant still parks the job.
 */
export class SubscriptionRefusedError extends Error {
  override name = 'SubscriptionRefusedError';
}

const ids = (list: Subscription[]) => list.map((s) => s.id);

/**
 * `channels.renew` (queued by every worker at start, then daily): each connector's `subscriptions`
 * (`ensure` creates what the config implies at `webhooks.publicUrl`, renews what expires soon and
 * removes vahub's stale ones), one connector at a time per Redis (`subscriptions:<id>` lock), one
 * connector's failure not holding up the others. Without a public URL nothing is registered: the
 * sweeps cover changes.
 */
export async function renewSubscriptionsJob(
  deps: ServiceDeps,
  provider: string,
  logger: Logger,
): Promise<{ provider: string; skipped?: string; connectors: SubscriptionsOutcome[] }> {
  const publicUrl = deps.publicUrl;
  if (publicUrl === undefined) {
    const skipped =
      'webhooks.publicUrl is not set, so no webhook is registered (the sweeps cover changes): set it to the public HTTPS address of the receiver';
    logger.warn({ provider }, skipped);
    return { provider, skipped, connectors: [] };
  }
  const chosen = deps.subscriptions.filter((s) => provider === ALL_PROVIDERS || s.provider === provider);
  const out: SubscriptionsOutcome[] = [];
  await eachIsolated(
    chosen,
    async ({ provider: id, manager }) => {
      const changes = await renewOne(deps, id, manager, publicUrl);
      const outcome: SubscriptionsOutcome = {
        provider: id,
        created: changes.created.length,
        kept: changes.kept.length,
        removed: changes.removed.length,
        ...(changes.manual ? { manual: changes.manual } : {}),
      };
      out.push(outcome);
      if (changes.manual) logger.info({ provider: id }, changes.manual);
      else
        logger.info(
          { ...outcome, createdIds: ids(changes.created), removedIds: ids(changes.removed) },
          'webhook subscriptions in place',
        );
    },
    (s, err) => logger.error({ provider: s.provider, error: messageOf(err) }, 'webhook subscriptions failed'),
  );
  return { provider, connectors: out };
}

async function renewOne(
  deps: ServiceDeps,
  provider: string,
  manager: SubscriptionManager,
  publicUrl: string,
) {
  try {
    return await deps.lock.withLock(`subscriptions:${provider}`, () => manager.renew({ publicUrl }));
  } catch (err) {
    if (isReconnectRequired(err)) throw err;
    if (isConnectorError(err) && !err.retryable) {
      throw new SubscriptionRefusedError(
        `${provider} refused a webhook registration: ${err.message}. Check that ${publicUrl} reaches this service's webhook receiver; the job tries again.`,
      );
    }
    throw err;
  }
}

import {
  type EnsureSubscriptionsInput,
  noSubscriptionChanges,
  type Subscription,
  type SubscriptionChanges,
  type SubscriptionManager,
  webhookAddress,
} from '@vahub/core';
import { channelNeedsRenewal, type WatchChannel } from './channels.js';
import type { GoogleCalendar } from './google-calendar.js';
import { GOOGLE } from './settings.js';

const asSubscription = (c: WatchChannel): Subscription => ({
  id: c.id,
  scope: c.calendarId,
  address: c.address,
  expiresAt: c.expiresAt,
});

/** Replace a channel this long before it expires. @defaultValue 1 day (renewal runs daily) */
export const CHANNEL_RENEW_MARGIN_MS = 36 * 3_600_000;

/**
 * Google push channels (`events.watch`) as a `SubscriptionManager`: one channel on the VA's calendar
 * (`calendar.id`) delivering to `<publicUrl>/webhooks/google`, kept in the channel store the receiver
 * verifies against. Channels expire (Google grants at most about a week): one that expires within
 * the margin is replaced, the new channel opened before the old is stopped, so no change falls in a
 * gap. Google offers no way to list channels, so one whose record vahub lost cannot be stopped: it
 * expires by itself, and the receiver refuses its notifications (unknown channel, 404).
 */
export class GoogleSubscriptions implements SubscriptionManager {
  constructor(
    private readonly calendar: GoogleCalendar,
    private readonly calendarId: string,
    private readonly now: () => number,
  ) {}

  async list(): Promise<Subscription[]> {
    return (await this.calendar.channels()).map(asSubscription);
  }

  renew(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges> {
    return this.ensure(input);
  }

  async ensure(input: EnsureSubscriptionsInput): Promise<SubscriptionChanges> {
    const address = webhookAddress(input.publicUrl, GOOGLE);
    const margin = input.renewWithinMs ?? CHANNEL_RENEW_MARGIN_MS;
    const out = noSubscriptionChanges();
    let kept: WatchChannel | undefined;
    // Latest-expiring first: the one worth keeping.
    const channels = (await this.calendar.channels()).reverse();
    for (const channel of channels) {
      const fits = channel.calendarId === this.calendarId && channel.address === address;
      if (fits && !kept) {
        if (channelNeedsRenewal(channel, this.now(), margin)) {
          const next = await this.calendar.renewChannel(channel);
          out.created.push(asSubscription(next));
          out.removed.push(asSubscription(channel));
          kept = next;
        } else {
          out.kept.push(asSubscription(channel));
          kept = channel;
        }
        continue;
      }
      // Another address, another calendar, or a second channel on it.
      await this.calendar.stopChannel(channel);
      out.removed.push(asSubscription(channel));
    }
    if (!kept) out.created.push(asSubscription(await this.calendar.watch({ address })));
    return out;
  }
}

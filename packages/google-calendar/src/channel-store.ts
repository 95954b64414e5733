import type { StateStore } from '@vahub/core';
import { z } from 'zod';
import type { WatchChannel } from './channels.js';

const PREFIX = 'google:channel:';

/** Kept a day past expiry, so a late notification still finds its channel and is not a 404. */
const KEEP_AFTER_EXPIRY_MS = 86_400_000;

const storedChannel = z.object({
  id: z.string().min(1),
  resourceId: z.string().min(1),
  calendarId: z.string().min(1),
  token: z.string().min(1),
  address: z.string(),
  expiresAt: z.number(),
});

/**
 * The open push channels, in the connector's durable state (Redis in production, encrypted): the
 * webhook receiver, in another process, verifies a notification against its channel's token here.
 */
export class ChannelStore {
  constructor(
    private readonly state: StateStore,
    private readonly now: () => number,
  ) {}

  async save(channel: WatchChannel): Promise<void> {
    const ttlMs = Math.max(1, channel.expiresAt - this.now() + KEEP_AFTER_EXPIRY_MS);
    await this.state.set(PREFIX + channel.id, JSON.stringify(channel), { ttlMs });
  }

  /** The channel, or null when unknown (never opened here, stopped, long expired, or unreadable). */
  async get(id: string): Promise<WatchChannel | null> {
    const text = await this.state.get(PREFIX + id);
    if (text === null) return null;
    try {
      const parsed = storedChannel.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  async delete(id: string): Promise<void> {
    await this.state.delete(PREFIX + id);
  }

  /** Every channel kept, soonest to expire first. */
  async list(): Promise<WatchChannel[]> {
    const keys = await this.state.keys(PREFIX);
    // A store may answer whole keys or what follows the prefix.
    const ids = keys.map((key) => (key.startsWith(PREFIX) ? key.slice(PREFIX.length) : key));
    const channels = await Promise.all(ids.map((id) => this.get(id)));
    return channels.filter((c): c is WatchChannel => c !== null).sort((a, b) => a.expiresAt - b.expiresAt);
  }
}

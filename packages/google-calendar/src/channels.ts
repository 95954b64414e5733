import { randomBytes, randomUUID } from 'node:crypto';
import { ConnectorError, isConnectorError, registerSecret } from '@vahub/core';
import type { GoogleApi } from './google-api.js';
import { channelAnswer } from './schemas.js';
import { GOOGLE } from './settings.js';

/** A push channel on a calendar's events: what must be kept to verify, renew and stop it. */
export interface WatchChannel {
  /** Ours, at most 64 characters: echoed in `X-Goog-Channel-ID`. */
  id: string;
  /** Google's id of the watched resource: needed to stop the channel. */
  resourceId: string;
  calendarId: string;
  /** Echoed in `X-Goog-Channel-Token`: the secret a notification is verified with. */
  token: string;
  address: string;
  /** Epoch milliseconds after which Google sends nothing more. */
  expiresAt: number;
}

export interface WatchInput {
  /** The public HTTPS address of vahub's receiver for Google notifications. */
  address: string;
  /** The channel token; a fresh random one if absent. Keep it secret: it authenticates notifications. */
  token?: string;
  /** Requested lifetime; Google may grant less. */
  ttlMs?: number;
}

/** Google's rule for channel ids. */
export const CHANNEL_ID = /^[A-Za-z0-9\-_+/=]{1,64}$/;

function invalid(message: string): ConnectorError {
  return new ConnectorError({
    provider: GOOGLE,
    operation: 'watch',
    code: 'validation',
    retryable: false,
    message,
  });
}

/** Open a channel: Google POSTs a `sync` message first, then one per change to the calendar's events. */
export async function watchEvents(input: {
  api: GoogleApi;
  calendarId: string;
  watch: WatchInput;
  now: () => number;
}): Promise<WatchChannel> {
  const { api, calendarId, now } = input;
  const id = `vahub-${randomUUID()}`;
  const token = input.watch.token ?? randomBytes(32).toString('base64url');
  if (!CHANNEL_ID.test(id)) throw invalid(`channel id "${id}" is not valid`);
  if (token.length > 256) throw invalid('the channel token is longer than 256 characters');
  registerSecret(token);
  const data = await api.call(
    'watch',
    (sdk) =>
      sdk.events.watch({
        calendarId,
        requestBody: {
          id,
          type: 'web_hook',
          address: input.watch.address,
          token,
          ...(input.watch.ttlMs ? { expiration: String(now() + input.watch.ttlMs) } : {}),
        },
      }),
    // A lost answer may mean an open channel: a second watch would open a twin that also delivers.
    { schema: channelAnswer, idempotent: false },
  );
  return {
    id,
    resourceId: data.resourceId as string, // `channelAnswer` made sure of it
    calendarId,
    token,
    address: input.watch.address,
    expiresAt: data.expiration ? Number(data.expiration) : now() + (input.watch.ttlMs ?? 7 * 86_400_000),
  };
}

/** Stop a channel; one Google no longer knows (404, expired or already stopped) is not an error. */
export async function stopChannel(input: {
  api: GoogleApi;
  channel: Pick<WatchChannel, 'id' | 'resourceId'>;
}): Promise<void> {
  const { api, channel } = input;
  try {
    await api.call(
      'stopChannel',
      (sdk) => sdk.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }),
      { schema: null },
    );
  } catch (err) {
    if (!(isConnectorError(err) && err.status === 404)) throw err;
  }
}

/** Whether a channel should be replaced now: Google has no renewal, only a new channel before expiry. */
export function channelNeedsRenewal(
  channel: Pick<WatchChannel, 'expiresAt'>,
  now: number,
  marginMs = 3_600_000,
) {
  return channel.expiresAt - now <= marginMs;
}

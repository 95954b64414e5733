import { createHash, timingSafeEqual } from 'node:crypto';

export type ResourceState = 'sync' | 'exists' | 'not_exists';

export type NotificationVerification =
  | {
      ok: true;
      channelId: string;
      resourceId: string;
      resourceState: ResourceState;
      /** Increases per channel; `sync` is the first. Null if Google sent none. */
      messageNumber: number | null;
      /** When the channel expires (epoch ms), if Google said. */
      expiresAt: number | null;
    }
  | {
      ok: false;
      error:
        | 'missing_secret'
        | 'missing_token'
        | 'token_mismatch'
        | 'missing_channel'
        | 'channel_mismatch'
        | 'resource_mismatch'
        | 'bad_resource_state';
    };

export interface NotificationInput {
  /** The request's headers as received (any letter case; Node's `req.headers` works as is). */
  headers: Record<string, string | string[] | undefined>;
  /** The token the channel was opened with. */
  expectedToken: string | null | undefined;
  /** When given, the notification must be for this channel. */
  channelId?: string;
  /** When given, the notification must be for this watched resource. */
  resourceId?: string;
}

function header(headers: NotificationInput['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** Compare secrets in constant time; hashing first hides the length as well. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

const STATES = new Set<string>(['sync', 'exists', 'not_exists']);

/**
 * Check a Google push notification. Google signs nothing: the channel token it echoes in
 * `X-Goog-Channel-Token` is the proof, compared in constant time. The body is empty by design,
 * so only headers are read. Never throws.
 */
export function verifyChannelNotification(input: NotificationInput): NotificationVerification {
  if (!input.expectedToken) return { ok: false, error: 'missing_secret' };
  const token = header(input.headers, 'x-goog-channel-token');
  if (!token) return { ok: false, error: 'missing_token' };
  if (!sameSecret(token, input.expectedToken)) return { ok: false, error: 'token_mismatch' };
  const channelId = header(input.headers, 'x-goog-channel-id');
  const resourceId = header(input.headers, 'x-goog-resource-id');
  if (!channelId || !resourceId) return { ok: false, error: 'missing_channel' };
  if (input.channelId !== undefined && channelId !== input.channelId) {
    return { ok: false, error: 'channel_mismatch' };
  }
  if (input.resourceId !== undefined && resourceId !== input.resourceId) {
    return { ok: false, error: 'resource_mismatch' };
  }
  const state = header(input.headers, 'x-goog-resource-state') ?? '';
  if (!STATES.has(state)) return { ok: false, error: 'bad_resource_state' };
  const number = Number(header(input.headers, 'x-goog-message-number'));
  const expiration = Date.parse(header(input.headers, 'x-goog-channel-expiration') ?? '');
  return {
    ok: true,
    channelId,
    resourceId,
    resourceState: state as ResourceState,
    messageNumber: Number.isSafeInteger(number) && number > 0 ? number : null,
    expiresAt: Number.isNaN(expiration) ? null : expiration,
  };
}

import type { TokenStore } from '@vahub/core';
import type { ConnectionHealth } from './types.js';

/**
 * Which OAuth connections need `vahub connect` again, read from the token store: no grant at all,
 * or one that has expired with no refresh token to renew it. (A grant the vendor revoked shows up
 * as failed jobs whose reason says to reconnect.) Never reads out a token.
 */
export function grantConnections(
  store: Pick<TokenStore, 'get'>,
  connectors: readonly { id: string; key?: string }[],
  now: () => number = Date.now,
): () => Promise<ConnectionHealth[]> {
  return () =>
    Promise.all(
      connectors.map(async ({ id, key }) => {
        const grant = await store.get(key ?? id);
        const dead = grant === null || (grant.refreshToken === null && grant.expiresAt <= now());
        return {
          connector: id,
          state: dead ? ('needs-redo' as const) : ('ok' as const),
          action: dead ? `vahub connect ${id}` : null,
        };
      }),
    );
}

import { describe, expect, it } from 'vitest';
import { isReconnectRequired, ReconnectRequiredError } from '../errors/errors.js';
import { MemoryLock, MemoryTokenStore, type OAuthTokenSet, TokenManager } from './tokens.js';

const NOW = 1_800_000_000_000;

function setup(token: OAuthTokenSet | null, refresh: (rt: string) => Promise<OAuthTokenSet>) {
  const store = new MemoryTokenStore();
  const lock = new MemoryLock();
  if (token) void store.set('g', token);
  const make = () => new TokenManager({ provider: 'xero', key: 'g', store, lock, refresh, now: () => NOW });
  return { store, make };
}

describe('TokenManager', () => {
  it('hands out a fresh token without refreshing', async () => {
    let calls = 0;
    const { make } = setup(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW + 20 * 60_000 },
      async () => {
        calls += 1;
        throw new Error('no');
      },
    );
    expect(await make().accessToken()).toBe('a1');
    expect(calls).toBe(0);
  });

  it('refreshes once for many managers sharing a store, and persists the rotated token', async () => {
    const seen: string[] = [];
    const { store, make } = setup(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW + 60_000 },
      async (rt) => {
        seen.push(rt);
        return { accessToken: 'a2', refreshToken: 'r2', expiresAt: NOW + 30 * 60_000 };
      },
    );
    const managers = Array.from({ length: 20 }, make);
    const tokens = await Promise.all(managers.flatMap((m) => [m.accessToken(), m.accessToken()]));
    expect(new Set(tokens)).toEqual(new Set(['a2']));
    expect(seen).toEqual(['r1']);
    expect(await store.get('g')).toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
  });

  it('keeps the old refresh token when the provider does not send a new one', async () => {
    const { store, make } = setup(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW - 1 },
      async () => ({
        accessToken: 'a2',
        refreshToken: null,
        expiresAt: NOW + 3_600_000,
      }),
    );
    await make().accessToken();
    expect((await store.get('g'))?.refreshToken).toBe('r1');
  });

  it('refreshes after a 401 unless someone else already did', async () => {
    let n = 0;
    const { make } = setup(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW + 3_600_000 },
      async () => {
        n += 1;
        return { accessToken: `a${n + 1}`, refreshToken: `r${n + 1}`, expiresAt: NOW + 3_600_000 };
      },
    );
    const m = make();
    expect(await m.refreshAfterRejection('a1')).toBe('a2');
    expect(await m.refreshAfterRejection('a1')).toBe('a2');
    expect(n).toBe(1);
  });

  it('asks the VA to reconnect when there is no grant or it was revoked', async () => {
    const { make } = setup(null, async () => {
      throw new Error('unused');
    });
    await expect(make().accessToken()).rejects.toSatisfy(isReconnectRequired);
    const revoked = setup({ accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW - 1 }, async () => {
      throw new ReconnectRequiredError({ provider: 'xero', operation: 'refreshToken' });
    });
    await expect(revoked.make().accessToken()).rejects.toThrow(/vahub connect xero/);
  });
});

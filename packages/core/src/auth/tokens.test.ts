import { describe, expect, it } from 'vitest';
import { isReconnectRequired, ReconnectRequiredError } from '../errors/errors.js';
import {
  MemoryLock,
  MemoryTokenStore,
  type OAuthTokenSet,
  type RefreshIntent,
  refreshLeadMs,
  TokenManager,
  type TokenManagerOptions,
  type TokenStore,
  tokenLockKey,
} from './index.js';

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

  it('hands out the token it read again for rereadAfterMs without reading the store, then reads it again', async () => {
    let clock = NOW;
    const store = new MemoryTokenStore();
    await store.set('g', { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW + 3_600_000 });
    const m = managerOf(store, { now: () => clock, rereadAfterMs: 5_000, refresh: unused });
    expect(await m.accessToken()).toBe('a1');
    // Another process refreshed: its token is seen once the one read here is 5 s old (a1 is valid till then).
    await store.set('g', { accessToken: 'a2', refreshToken: 'r2', expiresAt: NOW + 3_600_000 });
    clock = NOW + 4_999;
    expect(await m.accessToken()).toBe('a1');
    clock = NOW + 5_000;
    expect(await m.accessToken()).toBe('a2');
  });

  it('never hands out a rejected token again, even one a read begun before the 401 returns', async () => {
    const store = new GatedStore();
    await store.set('g', { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW + 3_600_000 });
    const m = managerOf(store, { now: () => NOW, rereadAfterMs: 5_000, refresh: unused });
    expect(await m.accessToken()).toBe('a1');
    await store.set('g', { accessToken: 'a2', refreshToken: 'r2', expiresAt: NOW + 3_600_000 });
    expect(await m.refreshAfterRejection('a1')).toBe('a2');
    expect(await m.accessToken()).toBe('a2');

    // A read that began before a 401 of the token it returns: that token is used once, not kept.
    const n = managerOf(store, { now: () => NOW, rereadAfterMs: 5_000, refresh: unused });
    const held = store.hold();
    const reading = n.accessToken();
    await held.read;
    await store.set('g', { accessToken: 'a3', refreshToken: 'r3', expiresAt: NOW + 3_600_000 });
    expect(await n.refreshAfterRejection('a2')).toBe('a3');
    held.open();
    expect(await reading).toBe('a2');
    expect(await n.accessToken()).toBe('a3');
  });

  it('keeps no token read while a refresh was on: it may be the one the refresh replaced', async () => {
    const store = new GatedStore();
    await store.set('g', { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW + 3_600_000 });
    const answered = signal();
    const m = managerOf(store, {
      now: () => NOW,
      rereadAfterMs: 5_000,
      refresh: async () => {
        await answered.promise;
        return { accessToken: 'a2', refreshToken: 'r2', expiresAt: NOW + 3_600_000 };
      },
    });
    expect(await m.accessToken()).toBe('a1');
    const refreshing = m.refreshAfterRejection('a1');
    // A read while the refresh waits for the vendor: the store still holds a1.
    const held = store.hold();
    const reading = m.accessToken();
    await held.read;
    answered.fire();
    expect(await refreshing).toBe('a2');
    held.open();
    expect(await reading).toBe('a1');
    expect(await m.accessToken()).toBe('a2');
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

const unused = async (): Promise<OAuthTokenSet> => {
  throw new Error('no refresh expected');
};

/** A promise and what settles it. */
function signal(): { promise: Promise<void>; fire: () => void } {
  let fire = () => {};
  const promise = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { promise, fire };
}

/** A memory store whose next `get` can be held after it has read, as a slow Redis would hold its answer. */
class GatedStore extends MemoryTokenStore {
  private gate: { open: Promise<void>; read: () => void } | null = null;

  /** Hold the next read's answer: `read` resolves once it has read, `open` lets it answer. */
  hold(): { read: Promise<void>; open: () => void } {
    const opened = signal();
    const read = signal();
    this.gate = { open: opened.promise, read: read.fire };
    return { read: read.promise, open: opened.fire };
  }

  override async get(name: string): Promise<OAuthTokenSet | null> {
    const token = await super.get(name);
    const gate = this.gate;
    this.gate = null;
    if (gate) {
      gate.read();
      await gate.open;
    }
    return token;
  }
}

/** A manager of grant `g` on `store`, with a lock of its own unless given one. */
function managerOf(
  store: TokenStore,
  options: Partial<TokenManagerOptions> & Pick<TokenManagerOptions, 'refresh'>,
): TokenManager {
  return new TokenManager({ provider: 'xero', key: 'g', store, lock: new MemoryLock(), ...options });
}

/**
 * `ask` starts while another process holds the token lock; that process stores a2 (2 s of life) and
 * the clock moves 1.7 s on before the caller gets the lock, so a2 has 300 ms left, inside its 500-ms
 * lead. What the caller got, and the refresh tokens it refreshed with itself.
 */
async function whileAnotherStores(first: OAuthTokenSet, ask: (m: TokenManager) => Promise<string>) {
  let clock = NOW;
  const store = new MemoryTokenStore();
  const lock = new MemoryLock();
  await store.set('g', first);
  const refreshedWith: string[] = [];
  const m = managerOf(store, {
    lock,
    now: () => clock,
    refresh: async (refreshToken) => {
      refreshedWith.push(refreshToken);
      return { accessToken: 'mine', refreshToken: 'r-mine', issuedAt: clock, expiresAt: clock + 2_000 };
    },
  });
  let release: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const otherProcess = lock.withLock(tokenLockKey('g'), async () => {
    await released;
    await store.set('g', { accessToken: 'a2', refreshToken: 'r2', issuedAt: NOW, expiresAt: NOW + 2_000 });
    clock = NOW + 1_700;
  });
  const token = ask(m);
  // The memory store does no I/O: after one turn of the event loop the caller has read a1 and is
  // queued on the lock.
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await otherProcess;
  return { token: await token, refreshedWith };
}

/** Record that another holder sent a refresh of `g` and has not recorded its answer. */
async function markRefreshing(store: TokenStore, intent: RefreshIntent): Promise<string | null> {
  const before = await store.read('g');
  return store.replace('g', { ifRevision: before!.revision, token: before!.token, refreshing: intent });
}

describe('refresh lead', () => {
  it('is the configured lead, capped at a quarter of the lifetime when the lifetime is known', () => {
    expect(refreshLeadMs({ expiresAt: NOW + 1_800_000 }, 300_000)).toBe(300_000);
    expect(refreshLeadMs({ issuedAt: NOW, expiresAt: NOW + 1_800_000 }, 300_000)).toBe(300_000);
    expect(refreshLeadMs({ issuedAt: NOW, expiresAt: NOW + 2_000 }, 300_000)).toBe(500);
    expect(refreshLeadMs({ issuedAt: NOW, expiresAt: NOW - 1 }, 300_000)).toBe(0);
  });

  it('a 2-second token is used for most of its life, then refreshed once, and the new one is stamped', async () => {
    let clock = NOW;
    const store = new MemoryTokenStore();
    await store.set('g', { accessToken: 'a1', refreshToken: 'r1', issuedAt: NOW, expiresAt: NOW + 2_000 });
    let calls = 0;
    const m = managerOf(store, {
      now: () => clock,
      refresh: async () => {
        calls += 1;
        return { accessToken: 'a2', refreshToken: 'r2', expiresAt: clock + 2_000 };
      },
    });
    clock = NOW + 1_400;
    expect(await m.accessToken()).toBe('a1');
    expect(calls).toBe(0);
    clock = NOW + 1_600;
    expect(await m.accessToken()).toBe('a2');
    expect(await m.accessToken()).toBe('a2');
    expect(calls).toBe(1);
    expect(await store.get('g')).toMatchObject({ issuedAt: NOW + 1_600, expiresAt: NOW + 3_600 });
  });
});

describe('TokenManager under the lock', () => {
  it('takes a token stored since the caller looked as is, even inside its lead', async () => {
    const { token, refreshedWith } = await whileAnotherStores(
      { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW - 1 },
      (m) => m.accessToken(),
    );
    expect(token).toBe('a2');
    expect(refreshedWith).toEqual([]);
  });

  it('after a 401, does not take a token stored since inside its lead: the one retry must not meet an expiring token', async () => {
    const { token, refreshedWith } = await whileAnotherStores(
      { accessToken: 'a1', refreshToken: 'r1', issuedAt: NOW - 1_000, expiresAt: NOW + 1_000 },
      (m) => m.refreshAfterRejection('a1'),
    );
    expect(token).toBe('mine');
    expect(refreshedWith).toEqual(['r2']);
  });

  it('waits for a refresh another holder sent and has not recorded yet, instead of spending its token again', async () => {
    const store = new MemoryTokenStore();
    await store.set('g', { accessToken: 'a1', refreshToken: 'r1', expiresAt: Date.now() - 1 });
    const marked = await markRefreshing(store, { fence: 999, until: Date.now() + 20_000 });
    const events: string[] = [];
    const m = managerOf(store, {
      refresh: async () => {
        events.push('refresh');
        throw new Error('must not be called');
      },
      log: (e) => {
        events.push(e.event);
        // The other holder's answer lands while this one waits.
        if (e.event === 'token.waiting_for_other_refresh') {
          void store.replace('g', {
            ifRevision: marked,
            token: { accessToken: 'a2', refreshToken: 'r2', expiresAt: Date.now() + 60_000 },
            refreshing: null,
          });
        }
      },
    });
    expect(await m.accessToken()).toBe('a2');
    expect(events).toEqual(['token.waiting_for_other_refresh']);
  });

  it('counts an intent unanswered past its window as lost, and refreshes with the same token', async () => {
    let clock = NOW;
    const store = new MemoryTokenStore();
    await store.set('g', { accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW - 1 });
    await markRefreshing(store, { fence: 999, until: NOW + 1_000 });
    const seen: string[] = [];
    const m = managerOf(store, {
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      refresh: async (rt) => {
        seen.push(rt);
        return { accessToken: 'a2', refreshToken: 'r2', expiresAt: clock + 3_600_000 };
      },
    });
    expect(await m.accessToken()).toBe('a2');
    expect(seen).toEqual(['r1']);
    expect(clock).toBeGreaterThanOrEqual(NOW + 1_000);
    expect(await store.read('g')).toMatchObject({ refreshing: null, token: { refreshToken: 'r2' } });
  });

  it('withdraws its intent when the vendor call fails, so the next refresher does not wait', async () => {
    const { store, make } = setup({ accessToken: 'a1', refreshToken: 'r1', expiresAt: NOW - 1 }, async () => {
      throw new Error('token endpoint unreachable');
    });
    await expect(make().accessToken()).rejects.toThrow(/unreachable/);
    expect((await store.read('g'))?.refreshing).toBeNull();
  });
});

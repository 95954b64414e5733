import { randomBytes } from 'node:crypto';
import {
  type Lock,
  MemoryLogger,
  type OAuthTokenSet,
  type TokenEvent,
  TokenManager,
  type TokenStore,
} from '@vahub/core';
import { RedisLock, RedisTokenStore } from '@vahub/jobs';
import { RedisServer } from '@vahub/jobs/testing';
import { deferred, testRedisUrl, uniquePrefix, within } from '@vahub/testkit';
import { createXero, XeroOAuth } from '@vahub/xero';
import { FakeXero } from '@vahub/xero/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// The real Xero OAuth client against FakeXero, whose refresh tokens die on first use (no grace):
// any second refresh with one token shows as an invalid_grant here.
let fake: FakeXero;
let oauth: XeroOAuth;
const clients: Redis[] = [];
const key = randomBytes(32);

function client(url = testRedisUrl()): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: null });
  c.on('error', () => undefined);
  clients.push(c);
  return c;
}

beforeAll(async () => {
  fake = new FakeXero();
  await fake.start();
  oauth = new XeroOAuth({
    secrets: { clientId: fake.clientId, clientSecret: fake.clientSecret },
    endpoints: fake.endpoints(),
    pipeline: {},
  });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await fake.stop();
});

/** A connected grant whose access token has expired, as the store holds it. */
async function seedExpired(store: TokenStore): Promise<OAuthTokenSet> {
  const granted = fake.grant();
  const token = {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: 0,
  };
  await store.set('xero', token);
  return token;
}

function manager(input: {
  store: TokenStore;
  lock: Lock;
  name: string;
  events: string[];
  refresh?: (refreshToken: string) => Promise<OAuthTokenSet>;
  /** Told of each event line as it happens. */
  onEvent?: (line: string) => void;
}): TokenManager {
  return new TokenManager({
    provider: 'xero',
    key: 'xero',
    store: input.store,
    lock: input.lock,
    refresh: input.refresh ?? ((rt) => oauth.refresh(rt)),
    log: (e: TokenEvent) => {
      const line = `${input.name} ${e.event}${e.event === 'token.lease_lost' ? ` before vendor: ${e.beforeVendorCall}` : ''}`;
      input.events.push(line);
      input.onEvent?.(line);
    },
  });
}

function refreshCalls() {
  return fake.tokenRequests('refresh_token');
}

/** Block the whole process, as a long GC pause or a stopped VM would. */
function pauseProcess(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('Xero refresh under a lost lease', () => {
  it('a holder paused past its lease before calling Xero stops there; the grant is refreshed once', async () => {
    const before = refreshCalls().length;
    const prefix = uniquePrefix('lease-pause');
    const store = new RedisTokenStore({ redis: client(), prefix, key });
    await seedExpired(store);
    const events: string[] = [];
    let paused = false;
    const other = manager({ store, lock: new RedisLock({ redis: client(), prefix }), name: 'B', events });
    let second: Promise<string> | null = null;
    const lock = new RedisLock({
      redis: client(),
      prefix,
      ttlMs: 300,
      onLease: (event) => {
        if (event !== 'acquired' || paused) return;
        paused = true;
        pauseProcess(900);
        // Another process wants the grant too, right as the paused one wakes.
        second = other.accessToken();
      },
    });
    const first = await within(manager({ store, lock, name: 'A', events }).accessToken(), 10_000, 'A');
    expect(await within(second ?? Promise.reject(new Error('B never started')), 10_000, 'B')).toBe(first);

    expect(events).toContain('A token.lease_lost before vendor: true');
    expect(events.filter((e) => e.endsWith('token.refreshed'))).toHaveLength(1);
    const calls = refreshCalls().slice(before);
    expect(calls.map((r) => r.status)).toEqual([200]);
    const stored = await store.get('xero');
    expect(stored?.accessToken).toBe(first);
    expect(fake.refreshTokenUsable(stored?.refreshToken ?? '')).toBe(true);
  });

  it('a holder that loses its lease while Xero answers: the next holder waits for that answer instead of refreshing again', async () => {
    const before = refreshCalls().length;
    const prefix = uniquePrefix('lease-inflight');
    const admin = client();
    const store = new RedisTokenStore({ redis: client(), prefix, key });
    const initial = await seedExpired(store);
    const events: string[] = [];
    const xeroAnswered = deferred();
    const delivered = deferred();
    const leaseLost = deferred();
    const lockA = new RedisLock({
      redis: client(),
      prefix,
      ttlMs: 300,
      onLease: (event) => {
        if (event === 'lost') leaseLost.resolve();
      },
    });
    // Xero has rotated the grant; its answer is still on the way to A.
    const slowAnswer = async (rt: string) => {
      const token = await oauth.refresh(rt);
      xeroAnswered.resolve();
      await delivered.promise;
      return token;
    };
    const a = manager({ store, lock: lockA, name: 'A', events, refresh: slowAnswer });
    const b = manager({
      store,
      lock: new RedisLock({ redis: client(), prefix, waitMs: 10_000 }),
      name: 'B',
      events,
      // B found A's unanswered refresh and waits: only now does Xero's answer reach A.
      onEvent: (line) => {
        if (line === 'B token.waiting_for_other_refresh') delivered.resolve();
      },
    });

    const first = a.accessToken();
    await within(xeroAnswered.promise, 10_000, 'the refresh at Xero');
    await admin.del(`${prefix}:lock:token-refresh:xero`);
    await within(leaseLost.promise, 10_000, "A's lease loss");
    const second = b.accessToken();
    const [tokenA, tokenB] = await within(Promise.all([first, second]), 10_000, 'both callers');

    expect(tokenA).toBe(tokenB);
    expect(tokenA).not.toBe(initial.accessToken);
    expect(events).toEqual(['B token.waiting_for_other_refresh', 'A token.refreshed']);
    expect(
      refreshCalls()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([200]);
    const stored = await store.read('xero');
    expect(stored).toMatchObject({ token: { accessToken: tokenA }, refreshing: null });
    expect(fake.refreshTokenUsable(stored?.token.refreshToken ?? '')).toBe(true);
  });
});

describe('a rotated Xero token when Redis fails', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start({ appendonly: true });
  });
  afterAll(async () => {
    await server.dispose();
  });

  it('Redis stopped between the answer and the write: the new token is used from memory, then written', async () => {
    const before = refreshCalls().length;
    const redis = client(server.url);
    const prefix = uniquePrefix('lost-write');
    const store = new RedisTokenStore({ redis, prefix, key, commandTimeoutMs: 300 });
    const initial = await seedExpired(store);
    const events: string[] = [];
    const m = manager({
      store,
      lock: new RedisLock({ redis, prefix, commandTimeoutMs: 300 }),
      name: 'A',
      events,
      refresh: async (rt) => {
        const token = await oauth.refresh(rt);
        await server.stop();
        return token;
      },
    });

    const accessToken = await within(m.accessToken(), 15_000, 'the refresh with Redis down');
    expect(accessToken).not.toBe(initial.accessToken);
    expect(events.filter((e) => e === 'A token.save_failed').length).toBeGreaterThan(0);
    // While Redis is down the caller keeps working with the token it holds.
    expect(await within(m.accessToken(), 10_000, 'a second call with Redis down')).toBe(accessToken);
    const connections = await fetch(fake.endpoints().connections, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await connections.json()) as { tenantId: string }[]).map((c) => c.tenantId)).toEqual([
      fake.tenantId,
    ]);

    await server.start();
    await within(redis.ping(), 10_000, 'the reconnect');
    expect(await within(m.flush(), 10_000, 'the late write')).toBe(true);
    expect(events).toContain('A token.saved_late');
    const stored = await store.read('xero');
    expect(stored).toMatchObject({ token: { accessToken }, refreshing: null });
    expect(fake.refreshTokenUsable(initial.refreshToken ?? '')).toBe(false);
    expect(fake.refreshTokenUsable(stored?.token.refreshToken ?? '')).toBe(true);

    // Another process on the same store carries on from the saved grant: no reconnect needed.
    await store.set('xero', { ...(stored?.token as OAuthTokenSet), expiresAt: 0 });
    const contact = fake.addContact({ name: 'Koala Co Pty Ltd' });
    const xero = createXero({
      clients: [],
      endpoints: fake.endpoints(),
      secrets: { clientId: fake.clientId, clientSecret: fake.clientSecret },
      deps: { tokens: store, lock: new RedisLock({ redis, prefix }), logger: new MemoryLogger() },
    });
    expect(await xero.accounting.getContact(fake.tenantId, contact.ContactID)).toMatchObject({
      name: 'Koala Co Pty Ltd',
    });
    expect(
      refreshCalls()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([200, 200]);
  });
});

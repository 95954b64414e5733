import { isReconnectRequired, MemoryLock } from '@vahub/core';
import { within } from '@vahub/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './test-support/harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.stop();
  h = null;
});

async function expireStored(harness: Harness): Promise<void> {
  harness.fake.expireAccessTokens();
  const t = await harness.store.get('xero');
  await harness.store.set('xero', { ...t!, expiresAt: Date.now() - 1 });
}

/** Slow the first refresh down so every caller is waiting while it is in flight. */
function slowFirstRefresh(harness: Harness): void {
  harness.fake.server.faults.next({
    status: 0,
    delayMs: 150,
    match: (req) => req.path === '/connect/token',
  });
}

describe('refresh is single-flight', () => {
  it('20 concurrent callers on 4 connectors sharing one store and lock: one refresh, no invalid_grant', async () => {
    h = await startHarness();
    const contact = h.fake.addContact({ name: 'Koala Co' });
    await expireStored(h);
    slowFirstRefresh(h);
    const harness = h;
    const connectors = Array.from({ length: 4 }, () => harness.build());
    const results = await within(
      Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          connectors[i % 4]!.accounting.getContact(harness.tenantId, contact.ContactID),
        ),
      ),
      10_000,
      '20 callers',
    );
    const failures = results.filter((r) => r.status === 'rejected');
    expect(failures).toEqual([]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value?.name === 'Koala Co')).toBe(true);
    expect(h.fake.tokenRequests('refresh_token')).toHaveLength(1);
    expect(h.fake.tokenRequests('refresh_token')[0]?.status).toBe(200);
    const api = h.fake.server.requestsTo('GET', /\/Contacts\//);
    expect(api).toHaveLength(20);
    const stored = await h.store.get('xero');
    expect(new Set(api.map((r) => r.headers.authorization))).toEqual(
      new Set([`Bearer ${stored?.accessToken}`]),
    );
  });

  it('control: connectors that do not share the lock refresh twice and one of them loses the grant', async () => {
    h = await startHarness();
    await expireStored(h);
    slowFirstRefresh(h);
    const a = h.build({ deps: { lock: new MemoryLock() } }).accounting;
    const b = h.build({ deps: { lock: new MemoryLock() } }).accounting;
    const results = await within(
      Promise.allSettled([a.searchContacts(h.tenantId, 'x'), b.searchContacts(h.tenantId, 'x')]),
      10_000,
      'two unlocked refreshers',
    );
    expect(h.fake.tokenRequests('refresh_token')).toHaveLength(2);
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(isReconnectRequired((rejected[0] as PromiseRejectedResult).reason)).toBe(true);
  });
});

describe('a refresh that fails for a moment', () => {
  it('a 401, then the token endpoint answers 503: the next try refreshes again and the call succeeds (no "reconnect" for a fine grant)', async () => {
    h = await startHarness();
    const contact = h.fake.addContact({ name: 'Koala Co' });
    // Xero refuses the stored token while vahub still holds it fresh (the chaos run's mass expiry).
    h.fake.expireAccessTokens();
    h.fake.server.faults.next({ status: 503, match: (req) => req.path === '/connect/token' });
    const found = await h.accounting.getContact(h.tenantId, contact.ContactID);
    expect(found?.name).toBe('Koala Co');
    expect(h.fake.tokenRequests('refresh_token').map((r) => r.status)).toEqual([503, 200]);
    expect(h.fake.server.requestsTo('GET', /\/Contacts\//).map((r) => r.status)).toEqual([401, 401, 200]);
  });
});

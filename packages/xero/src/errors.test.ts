import { randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { isConnectorError } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { xeroMessages } from './api-errors.js';
import { CLIENT, draftOf, type Harness, startHarness, TestClock } from './test-support/harness.js';

describe('xeroMessages', () => {
  it('collects every validation message once, else the problem detail', () => {
    expect(
      xeroMessages({
        Elements: [
          { ValidationErrors: [{ Message: 'a' }, { Message: 'b' }] },
          { ValidationErrors: [{ Message: 'a' }] },
        ],
      }),
    ).toEqual(['a', 'b']);
    expect(xeroMessages({ Title: 'Forbidden', Detail: 'AuthorizationUnsuccessful' })).toEqual([
      'AuthorizationUnsuccessful',
      'Forbidden',
    ]);
    expect(xeroMessages('')).toEqual([]);
  });
});

describe('no secret reaches an error or a log line', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.stop();
    h = null;
  });

  it('across every failure path', async () => {
    const clock = new TestClock();
    h = await startHarness({
      clock,
      fake: { limits: { perMinute: 2 } },
      tuning: { retry: { maxRateLimitWaits: 0 } },
    });
    const harness = h;
    const contactId = h.fake.addContact({ name: 'Koala Co' }).ContactID;
    const secrets = () => [h!.initial.accessToken, h!.initial.refreshToken, h!.fake.clientSecret];
    const failures: unknown[] = [];
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => {
          throw new Error('expected a failure');
        },
        (e: unknown) => failures.push(e),
      );

    // 400 validation, 403 (an organisation outside the grant), 429 exhausted
    await fail(
      h.invoices.createDraft(
        CLIENT,
        draftOf({ contactId, lines: [{ quantity: '1', unitAmount: '1', accountCode: '9' }] }),
      ),
    );
    const other = h.fake.addTenant({ tenantName: 'Not connected' });
    await fail(h.accounting.searchContacts(other.tenantId, 'x'));
    await h.accounting.searchContacts(h.tenantId, 'a');
    await fail(h.accounting.searchContacts(h.tenantId, 'b'));
    // invalid_grant: the refresh token was used elsewhere
    await h.refreshElsewhere(h.initial.refreshToken);
    const t = await h.store.get('xero');
    await h.store.set('xero', { ...t!, expiresAt: 0 });
    await fail(h.invoices.getInvoiceStatus(CLIENT, randomUUID()));
    // no answer at all, from the API and from the token endpoint
    await h.store.set('xero', { ...t!, expiresAt: clock.now() + 3_600_000 });
    await harness.fake.stop();
    await fail(h.invoices.getInvoiceStatus(CLIENT, randomUUID()));
    await h.store.set('xero', { ...t!, refreshToken: 'fake-rt_some-refresh-token-value', expiresAt: 0 });
    await fail(h.invoices.getInvoiceStatus(CLIENT, randomUUID()));

    expect(failures).toHaveLength(6);
    expect(failures.every(isConnectorError)).toBe(true);
    expect(failures.map((f) => (f as { code: string }).code)).toEqual([
      'validation',
      'reconnect_required',
      'rate_limited',
      'reconnect_required',
      'network',
      'network',
    ]);
    const text = [
      ...failures.map((f) => `${String(f)} ${JSON.stringify(f)} ${inspect(f, { depth: 8 })}`),
      JSON.stringify(h.logger.lines),
    ].join('\n');
    for (const secret of [...secrets(), 'fake-rt_some-refresh-token-value'])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    expect(text).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
  });
});

describe('a Xero that never answers', () => {
  it('gives up after the request timeout with a retryable error, and frees the slot', async () => {
    const h = await startHarness({
      // The bound is generous for a loaded machine: the fake (same process) must answer the second call within it.
      tuning: { timeoutMs: 1_000, maxInFlightPerTenant: 1, retry: { attempts: 1 } },
    });
    try {
      h.fake.server.faults.next({ status: 0, delayMs: 5_000, match: (r) => r.method === 'GET' });
      await expect(h.invoices.getInvoiceStatus(CLIENT, randomUUID())).rejects.toMatchObject({
        provider: 'xero',
        code: 'timeout',
        retryable: true,
        message: expect.stringContaining('no complete answer within 1000 ms'),
      });
      // With one place in flight, a hung call that kept its place would block this one.
      await expect(h.invoices.getInvoiceStatus(CLIENT, randomUUID())).resolves.toBeNull();
    } finally {
      await h.stop();
    }
  });
});

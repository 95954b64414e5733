import { inspect } from 'node:util';
import { isConnectorError, MemoryLock, MemoryTokenStore } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { readRejection, xeroMessages } from './api-errors.js';
import { draftOf, type Harness, startHarness, TestClock } from './test-support/harness.js';

describe('readRejection', () => {
  it('reads xero-node’s JSON-string rejections, plain objects, Errors and junk', () => {
    const body = { ErrorNumber: 10, Elements: [{ ValidationErrors: [{ Message: 'bad' }] }] };
    const asString = JSON.stringify({
      response: {
        statusCode: 400,
        body,
        headers: { 'X-MinLimit-Remaining': '12', 'content-type': 'application/json' },
      },
      body,
    });
    expect(readRejection(asString)).toEqual({
      status: 400,
      body,
      headers: { 'x-minlimit-remaining': '12', 'content-type': 'application/json' },
      thrown: null,
    });
    expect(readRejection({ response: { status: 404, data: 'gone', headers: {} }, body: null })).toMatchObject(
      {
        status: 404,
        body: 'gone',
      },
    );
    expect(
      readRejection(JSON.stringify({ response: { statusCode: 0, body: 'connect ECONNREFUSED' } })),
    ).toMatchObject({
      status: 0,
      thrown: 'connect ECONNREFUSED',
    });
    expect(readRejection(new Error('Required parameter invoiceID was null'))).toMatchObject({
      status: 0,
      thrown: 'Required parameter invoiceID was null',
    });
    expect(readRejection('not json')).toMatchObject({ status: 0, thrown: 'not json' });
  });

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
      connector: { maxRateLimitRetries: 0 },
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
      h.connector.createDraft(
        h.tenantId,
        draftOf({ contactId, lines: [{ quantity: '1', unitAmount: '1', accountCode: '9' }] }),
      ),
    );
    const other = h.fake.addTenant({ tenantName: 'Not connected' });
    await fail(h.connector.searchContacts(other.tenantId, 'x'));
    await h.connector.searchContacts(h.tenantId, 'a');
    await fail(h.connector.searchContacts(h.tenantId, 'b'));
    // invalid_grant: the refresh token was used elsewhere
    await h
      .connectorWith({ tokenStore: new MemoryTokenStore(), lock: new MemoryLock() })
      .oauth.refresh(h.initial.refreshToken);
    const t = await h.store.get('xero');
    await h.store.set('xero', { ...t!, expiresAt: 0 });
    await fail(h.connector.getInvoiceStatus(h.tenantId, crypto.randomUUID()));
    // no answer at all
    await h.store.set('xero', { ...t!, expiresAt: clock.now() + 3_600_000 });
    await harness.fake.stop();
    await fail(h.connector.getInvoiceStatus(h.tenantId, crypto.randomUUID()));
    await fail(h.connector.oauth.refresh('fake-rt_some-refresh-token-value'));

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
      JSON.stringify(h.logs),
    ].join('\n');
    for (const secret of [...secrets(), 'fake-rt_some-refresh-token-value'])
      expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    expect(text).not.toMatch(/Bearer [A-Za-z0-9._-]{8,}/);
  });
});

describe('a Xero that never answers', () => {
  it('gives up after the request timeout with a retryable error, and frees the slot', async () => {
    const h = await startHarness({ connector: { requestTimeoutMs: 50, maxInFlightPerTenant: 1 } });
    try {
      h.fake.server.faults.next({ status: 0, delayMs: 2_000, match: (r) => r.method === 'GET' });
      await expect(h.connector.getInvoiceStatus(h.tenantId, crypto.randomUUID())).rejects.toMatchObject({
        provider: 'xero',
        code: 'network',
        retryable: true,
        message: expect.stringContaining('did not answer within 50 ms'),
      });
      // With one place in flight, a hung call that kept its place would block this one.
      await expect(h.connector.getInvoiceStatus(h.tenantId, crypto.randomUUID())).resolves.toBeNull();
    } finally {
      await h.stop();
    }
  });
});

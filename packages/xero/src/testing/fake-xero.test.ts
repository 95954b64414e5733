import { dec, endpointEnvName } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { xeroConnector } from '../descriptor.js';
import { FakeXero, type FakeXeroOptions } from './fake-xero.js';
import { invoiceTotals } from './invoice-math.js';

let fake: FakeXero | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

async function started(options: FakeXeroOptions = {}): Promise<FakeXero> {
  fake = new FakeXero(options);
  await fake.start();
  return fake;
}

function refresh(f: FakeXero, refreshToken: string) {
  return fetch(f.endpoints().token, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${f.clientId}:${f.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
}

interface InvoicesJson {
  Invoices: { InvoiceID: string; LineItems: Record<string, unknown>[] }[];
}
interface ErrorJson {
  ErrorNumber: number;
  Type: string;
  Elements: { ValidationErrors: { Message: string }[] }[];
}

function api(f: FakeXero, token: string, path: string, init: RequestInit = {}, tenantId = f.tenantId) {
  return fetch(`${f.endpoints().api}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      'xero-tenant-id': tenantId,
      'content-type': 'application/json',
      ...init.headers,
    },
  });
}

describe('the face every fake shows', () => {
  it('names its endpoints as the descriptor does, and gives the environment a vahub process needs', async () => {
    const f = await started();
    expect(f.id).toBe(xeroConnector.id);
    const endpoints = f.endpoints();
    expect(Object.keys(endpoints).sort()).toEqual(Object.keys(xeroConnector.config.endpoints).sort());
    for (const url of Object.values(endpoints)) expect(url.startsWith(f.server.url)).toBe(true);
    const env = f.env();
    expect(env).toMatchObject({
      [xeroConnector.config.secrets.clientId.env]: f.clientId,
      [xeroConnector.config.secrets.clientSecret.env]: f.clientSecret,
      [xeroConnector.config.secrets.webhookKey.env]: f.webhookKey,
      [endpointEnvName('xero', 'token')]: endpoints.token,
      VAHUB_ENDPOINT_XERO_CONNECTIONS: endpoints.connections,
    });
  });
});

describe('identity', () => {
  it('rotates: a used refresh token dies, and the new one works', async () => {
    const f = await started();
    const first = f.grant();
    const r1 = await refresh(f, first.refresh_token!);
    expect(r1.status).toBe(200);
    const next = (await r1.json()) as { refresh_token: string; expires_in: number; token_type: string };
    expect(next).toMatchObject({ expires_in: 1800, token_type: 'Bearer' });
    const again = await refresh(f, first.refresh_token!);
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_grant' });
    expect((await refresh(f, next.refresh_token)).status).toBe(200);
  });

  it('with a grace period, the old token works again only while its answer counts as lost', async () => {
    let now = Date.UTC(2026, 10, 28);
    const f = await started({ refreshGraceMs: 30 * 60_000, now: () => now });
    const first = f.grant();
    const lost = (await (await refresh(f, first.refresh_token!)).json()) as { refresh_token: string };
    now += 60_000;
    const retried = await refresh(f, first.refresh_token!); // the first answer never arrived
    expect(retried.status).toBe(200);
    const kept = (await retried.json()) as { refresh_token: string };
    expect(f.refreshTokenUsable(lost.refresh_token)).toBe(false);
    expect((await refresh(f, kept.refresh_token)).status).toBe(200); // successor used: the answer arrived
    expect((await refresh(f, first.refresh_token!)).status).toBe(400);
    now += 31 * 60_000;
    const late = f.grant();
    await refresh(f, late.refresh_token!);
    now += 31 * 60_000;
    expect((await refresh(f, late.refresh_token!)).status).toBe(400); // grace over
  });

  it('refuses wrong client credentials and answers 401/403 on the API like Xero', async () => {
    const f = await started({ tenants: [{}, {}] });
    const bad = await fetch(f.endpoints().token, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${f.clientId}:nope`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'x' }),
    });
    expect(await bad.json()).toEqual({ error: 'invalid_client' });
    expect((await api(f, 'not-a-token', '/Contacts')).status).toBe(401);
    const [firstTenant, secondTenant] = [...f.tenants.keys()];
    const onlyFirst = f.grant({ tenantIds: [firstTenant!] });
    expect((await api(f, onlyFirst.access_token, '/Contacts', {}, secondTenant)).status).toBe(403);
    const ok = await api(f, onlyFirst.access_token, '/Contacts', {}, firstTenant);
    expect(ok.status).toBe(200);
    f.expireAccessTokens();
    expect((await api(f, onlyFirst.access_token, '/Contacts', {}, firstTenant)).status).toBe(401);
  });
});

describe('invoices', () => {
  const body = (contactId: string, lines: object[], extra: object = {}) =>
    JSON.stringify({
      Invoices: [{ Type: 'ACCREC', Contact: { ContactID: contactId }, LineItems: lines, ...extra }],
    });

  it('keeps unit amounts to 2 decimals unless unitdp=4 is asked for', async () => {
    const f = await started();
    const { access_token } = f.grant();
    const contactId = f.addContact({ name: 'A' }).ContactID;
    const line = { Description: 'x', Quantity: 3, UnitAmount: 10.0049, AccountCode: '200', TaxType: 'NONE' };
    const two = (await (
      await api(f, access_token, '/Invoices', { method: 'PUT', body: body(contactId, [line]) })
    ).json()) as InvoicesJson;
    const four = (await (
      await api(f, access_token, '/Invoices?unitdp=4', { method: 'PUT', body: body(contactId, [line]) })
    ).json()) as InvoicesJson;
    expect(two.Invoices[0]?.LineItems[0]).toMatchObject({ UnitAmount: 10, LineAmount: 30 });
    expect(four.Invoices[0]?.LineItems[0]).toMatchObject({ UnitAmount: 10.0049, LineAmount: 30.01 });
  });

  it('answers a repeated Idempotency-Key with the first answer, even when the repeats overlap', async () => {
    const f = await started({ latencyMs: 20 });
    const { access_token } = f.grant();
    const contactId = f.addContact({ name: 'A' }).ContactID;
    const send = () =>
      api(f, access_token, '/Invoices', {
        method: 'PUT',
        headers: { 'Idempotency-Key': 'k-1' },
        body: body(contactId, [
          { Description: 'x', Quantity: 1, UnitAmount: 5, AccountCode: '200', TaxType: 'OUTPUT' },
        ]),
      }).then(async (r) => (await r.json()) as InvoicesJson);
    const answers = await Promise.all([send(), send(), send()]);
    expect(new Set(answers.map((a) => a.Invoices[0]?.InvoiceID)).size).toBe(1);
    expect(f.invoices()).toHaveLength(1);
    expect(f.replays).toBe(2);
  });

  it('refuses in Xero’s error shape, naming each problem', async () => {
    const f = await started();
    const { access_token } = f.grant();
    const contactId = f.addContact({ name: 'A' }).ContactID;
    const res = await api(f, access_token, '/Invoices', {
      method: 'PUT',
      body: body(
        contactId,
        [{ Description: '', Quantity: 1, UnitAmount: 5, AccountCode: '999', TaxType: 'BOGUS' }],
        {
          CurrencyCode: 'XYZ',
        },
      ),
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as ErrorJson;
    expect(json).toMatchObject({ ErrorNumber: 10, Type: 'ValidationException' });
    expect(json.Elements[0]?.ValidationErrors.map((v) => v.Message)).toEqual([
      'Organisation is not subscribed to currency XYZ',
      'Description must be at least 1 character long',
      "Account code '999' is not a valid code for this document.",
      "The TaxType code 'BOGUS' does not exist or cannot be used for this type of transaction.",
    ]);
  });

  it('moves status the way Xero allows', async () => {
    const f = await started();
    const { access_token } = f.grant();
    const contactId = f.addContact({ name: 'A' }).ContactID;
    const created = (await (
      await api(f, access_token, '/Invoices', {
        method: 'PUT',
        body: body(contactId, [
          { Description: 'x', Quantity: 1, UnitAmount: 5, AccountCode: '200', TaxType: 'OUTPUT' },
        ]),
      })
    ).json()) as InvoicesJson;
    const id = created.Invoices[0]?.InvoiceID ?? '';
    const move = (Status: string) =>
      api(f, access_token, `/Invoices/${id}`, {
        method: 'POST',
        body: JSON.stringify({ Invoices: [{ Status }] }),
      });
    expect((await move('AUTHORISED')).status).toBe(200);
    expect((await move('DELETED')).status).toBe(400); // an approved invoice is voided, not deleted
    expect((await move('VOIDED')).status).toBe(200);
    expect(f.invoices()[0]?.Status).toBe('VOIDED');
  });
});

describe('limits', () => {
  it('counts 60 a minute per organisation, then 429 with Retry-After and the problem', async () => {
    let now = Date.UTC(2026, 10, 28);
    const f = await started({ now: () => now, tenants: [{}, {}] });
    const { access_token } = f.grant();
    const [a, b] = [...f.tenants.keys()];
    for (let i = 0; i < 60; i++) {
      now += 500;
      expect((await api(f, access_token, '/Contacts', {}, a)).status).toBe(200);
    }
    const over = await api(f, access_token, '/Contacts', {}, a);
    expect(over.status).toBe(429);
    expect(over.headers.get('x-rate-limit-problem')).toBe('minute');
    // The first call (at +0.5 s) leaves the window at +60.5 s, 30.5 s from now: Retry-After rounds up.
    expect(over.headers.get('retry-after')).toBe('31');
    expect(over.headers.get('x-minlimit-remaining')).toBe('0');
    const other = await api(f, access_token, '/Contacts', {}, b);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-minlimit-remaining')).toBe('59');
    expect(other.headers.get('x-appminlimit-remaining')).toBe('9939');
    now += 30_000;
    expect((await api(f, access_token, '/Contacts', {}, a)).status).toBe(429);
    now += 1000;
    expect((await api(f, access_token, '/Contacts', {}, a)).status).toBe(200);
    // Each refusal is counted as a violation of the limit it hit, per organisation.
    expect(f.limits.refusals.get(a ?? '')).toEqual({ minute: 2, day: 0, concurrent: 0, appminute: 0 });
    expect(f.limits.refusals.get(b ?? '')).toBeUndefined();
  });

  it('allows 5 calls in flight per organisation', async () => {
    // Long enough that the 7 calls overlap even on a loaded machine.
    const f = await started({ latencyMs: 150 });
    const { access_token } = f.grant();
    const statuses = await Promise.all(
      Array.from({ length: 7 }, () =>
        api(f, access_token, '/Contacts').then((r) => [r.status, r.headers.get('x-rate-limit-problem')]),
      ),
    );
    expect(statuses.filter(([s]) => s === 200)).toHaveLength(5);
    expect(statuses.filter(([s, p]) => s === 429 && p === 'concurrent')).toHaveLength(2);
    expect([...f.limits.refusals.values()]).toEqual([{ minute: 0, day: 0, concurrent: 2, appminute: 0 }]);
    expect([...f.limits.peakInFlight.values()]).toEqual([5]);
  });
});

describe('invoiceTotals', () => {
  it('rounds each line half-up, taxes each line, and sums the rounded parts', () => {
    const t = invoiceTotals(
      [
        { quantity: dec('1'), unitAmount: dec('1.125'), taxRate: dec('10') },
        { quantity: dec('3'), unitAmount: dec('0.3333'), taxRate: dec('10') },
      ],
      'Exclusive',
    );
    expect(t.lines.map((l) => [l.lineAmount.toFixed(2), l.taxAmount.toFixed(2)])).toEqual([
      ['1.13', '0.11'],
      ['1.00', '0.10'],
    ]);
    expect([t.subTotal.toFixed(2), t.totalTax.toFixed(2), t.total.toFixed(2)]).toEqual([
      '2.13',
      '0.21',
      '2.34',
    ]);
    const inc = invoiceTotals(
      [{ quantity: dec('1'), unitAmount: dec('110.00'), taxRate: dec('10') }],
      'Inclusive',
    );
    expect([inc.subTotal.toFixed(2), inc.totalTax.toFixed(2), inc.total.toFixed(2)]).toEqual([
      '100.00',
      '10.00',
      '110.00',
    ]);
  });
});

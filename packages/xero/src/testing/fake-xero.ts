import { randomBytes } from 'node:crypto';
import { endpointEnvName } from '@vahub/core';
import { FakeServer, type HubDelivery, type LoggedRequest, type VendorFake } from '@vahub/testkit';
import { DEFAULT_XERO_SCOPES, XERO_SECRETS, type XeroEndpoints } from '../config.js';
import {
  DEFAULT_ACCOUNTS,
  DEFAULT_TAX_RATES,
  type FakeAccountOptions,
  type FakeTaxRateOptions,
  fakeAccount,
  fakeTaxRate,
} from './chart.js';
import { addContact, contactRoutes } from './contact-routes.js';
import { historyRoutes } from './history-routes.js';
import { type IdentityOptions, identityRoutes, issueTokens, newGrant } from './identity-routes.js';
import { renderInvoice } from './invoice-build.js';
import { canMove, type InvoiceChange, invoiceRoutes } from './invoice-routes.js';
import { settingsRoutes } from './settings-routes.js';
import { type FakeContact, type FakeTenant, newIdentityState, randomUUID } from './state.js';
import { type FakeLimitOptions, TenantLimits } from './tenant-limits.js';
import {
  type FakeWebhookEvent,
  type XeroDeliveryMeta,
  XeroWebhookSender,
  xeroEventDate,
} from './webhook-sender.js';

export interface FakeTenantOptions {
  tenantId?: string;
  tenantName?: string;
  /** @defaultValue "AUD" */
  baseCurrency?: string;
  /** @defaultValue base currency plus NZD, USD, GBP, EUR */
  currencies?: string[];
  /**
   * The chart of accounts: a code alone is an active revenue (SALES) account.
   * @defaultValue 200 Sales, 260 Other Revenue, 400 Advertising (an expense account)
   */
  accounts?: (string | FakeAccountOptions)[];
  /**
   * Tax type → percent, or the rate in full; a percent alone is an active rate usable on revenue.
   * @defaultValue OUTPUT 10, NONE 0, EXEMPTOUTPUT 0, BASEXCLUDED 0
   */
  taxRates?: Record<string, string | FakeTaxRateOptions>;
}

export interface FakeXeroOptions {
  clientId?: string;
  clientSecret?: string;
  webhookKey?: string;
  /** The organisations; the first one by default. */
  tenants?: FakeTenantOptions[];
  /** @defaultValue 1800 */
  accessTokenSeconds?: number;
  /** See `IdentityOptions.refreshGraceMs`. @defaultValue 0 */
  refreshGraceMs?: number;
  limits?: FakeLimitOptions;
  /** Milliseconds each accounting call takes. @defaultValue 0 */
  latencyMs?: number;
  /** The fake's clock (token expiry, rate windows). @defaultValue Date.now */
  now?: () => number;
}

/** The endpoint overrides that point a connector at this fake, under the descriptor's endpoint names. */
export type FakeXeroEndpoints = XeroEndpoints;

/**
 * A faithful fake of the Xero APIs vahub uses, on one local port: login.xero.com authorize,
 * identity.xero.com token/revocation with real refresh-token rotation, api.xero.com/connections,
 * Accounting Contacts and Invoices (Idempotency-Key replay, Xero's arithmetic and error shapes),
 * the organisation's settings (Organisation, Accounts, TaxRates, Currencies; scope-checked),
 * per-organisation limits with their headers, and signed webhooks delivered through testkit's hub.
 */
export class FakeXero implements VendorFake {
  readonly id = 'xero';
  readonly server = new FakeServer('xero');
  readonly clientId: string;
  readonly clientSecret: string;
  readonly webhookKey: string;
  readonly tenants = new Map<string, FakeTenant>();
  readonly limits: TenantLimits;
  readonly webhooks: XeroWebhookSender;
  /** Invoice creations and updates not yet delivered as webhooks. */
  readonly pendingEvents: InvoiceChange[] = [];
  /** How many answers were replayed for a repeated Idempotency-Key. */
  replays = 0;
  latencyMs: number;
  private readonly identity = newIdentityState();
  private readonly identityOptions: IdentityOptions;
  private readonly now: () => number;

  constructor(options: FakeXeroOptions = {}) {
    this.now = options.now ?? Date.now;
    this.clientId = options.clientId ?? 'FAKECLIENTID0000000000000000000A';
    this.clientSecret = options.clientSecret ?? `fake-secret-${randomBytes(12).toString('hex')}`;
    this.webhookKey = options.webhookKey ?? `fake-webhook-key-${randomBytes(12).toString('hex')}`;
    this.latencyMs = options.latencyMs ?? 0;
    for (const t of options.tenants ?? [{}]) this.addTenant(t);
    this.limits = new TenantLimits(options.limits ?? {}, this.now);
    this.webhooks = new XeroWebhookSender(this.webhookKey);
    this.identityOptions = {
      clientId: this.clientId,
      clientSecret: this.clientSecret,
      accessTokenSeconds: options.accessTokenSeconds ?? 1800,
      refreshGraceMs: options.refreshGraceMs ?? 0,
      refreshTokenLifetimeMs: 60 * 86_400_000,
      consentTenants: () => [...this.tenants.keys()],
      tenantName: (id) => this.tenants.get(id)?.tenantName ?? null,
      now: this.now,
    };
    identityRoutes(this.server, this.identity, this.identityOptions);
    const ctx = {
      identity: this.identity,
      tenants: this.tenants,
      limits: this.limits,
      now: this.now,
      latencyMs: () => this.latencyMs,
      onReplay: () => {
        this.replays += 1;
      },
    };
    contactRoutes(this.server, ctx);
    historyRoutes(this.server, ctx);
    settingsRoutes(this.server, ctx);
    invoiceRoutes(this.server, ctx, (change) => this.pendingEvents.push(change));
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.webhooks.hub.idle();
    await this.server.stop();
  }

  endpoints(): FakeXeroEndpoints {
    const base = this.server.url;
    return {
      api: `${base}/api.xro/2.0`,
      authorize: `${base}/identity/connect/authorize`,
      token: `${base}/connect/token`,
      connections: `${base}/connections`,
      revoke: `${base}/connect/revocation`,
    };
  }

  /** The app's credentials under vahub's variable names, and every endpoint pointed at this fake. */
  env(): Record<string, string> {
    const endpoints = Object.entries(this.endpoints()).map(([name, url]) => [
      endpointEnvName('xero', name),
      url,
    ]);
    return {
      [XERO_SECRETS.clientId.env]: this.clientId,
      [XERO_SECRETS.clientSecret.env]: this.clientSecret,
      [XERO_SECRETS.webhookKey.env]: this.webhookKey,
      ...Object.fromEntries(endpoints),
    };
  }

  /** The first organisation's id (most tests use one). */
  get tenantId(): string {
    const first = this.tenants.keys().next();
    if (first.done) throw new Error('the fake has no tenants');
    return first.value;
  }

  addTenant(options: FakeTenantOptions = {}): FakeTenant {
    const base = options.baseCurrency ?? 'AUD';
    const rates = options.taxRates ?? DEFAULT_TAX_RATES;
    const tenant: FakeTenant = {
      tenantId: options.tenantId ?? randomUUID(),
      tenantName: options.tenantName ?? `Demo Company ${this.tenants.size + 1}`,
      baseCurrency: base,
      currencies: new Set([base, ...(options.currencies ?? ['NZD', 'USD', 'GBP', 'EUR'])]),
      accounts: new Map((options.accounts ?? DEFAULT_ACCOUNTS).map(fakeAccount).map((a) => [a.Code, a])),
      taxRates: new Map(Object.entries(rates).map(([k, v]) => [k, fakeTaxRate(k, v)])),
      contacts: new Map(),
      invoices: new Map(),
      invoiceSeq: 0,
      history: new Map(),
      idempotency: new Map(),
    };
    this.tenants.set(tenant.tenantId, tenant);
    return tenant;
  }

  private tenant(tenantId: string): FakeTenant {
    const t = this.tenants.get(tenantId);
    if (!t) throw new Error(`the fake has no tenant ${tenantId}`);
    return t;
  }

  addContact(input: { name: string; email?: string; archived?: boolean; tenantId?: string }): FakeContact {
    return addContact(this.tenant(input.tenantId ?? this.tenantId), input, this.now());
  }

  /**
   * A grant as if the VA had consented already (for tests that are not about the connect flow).
   * Returns Xero's token answer.
   */
  grant(options: { scope?: string; tenantIds?: string[] } = {}) {
    const scope = options.scope ?? DEFAULT_XERO_SCOPES.join(' ');
    const grant = newGrant(
      this.identity,
      this.identityOptions,
      scope,
      options.tenantIds ?? [...this.tenants.keys()],
    );
    return issueTokens(this.identity, grant, this.identityOptions);
  }

  /** End every access token's life now (as 30 minutes passing would). */
  expireAccessTokens(): void {
    for (const record of this.identity.accessTokens.values())
      record.expiresAt = Math.min(record.expiresAt, this.now());
  }

  /** Whether a refresh token can still be traded. */
  refreshTokenUsable(token: string): boolean {
    const r = this.identity.refreshTokens.get(token);
    return (
      r !== undefined &&
      !r.dead &&
      r.usedAt === null &&
      this.identity.grants.get(r.grantId)?.revoked === false
    );
  }

  /** Token endpoint calls, optionally of one grant type. */
  tokenRequests(grantType?: 'refresh_token' | 'authorization_code'): LoggedRequest[] {
    return this.server
      .requestsTo('POST', '/connect/token')
      .filter((r) => !grantType || new URLSearchParams(r.body).get('grant_type') === grantType);
  }

  /** The stored invoices of an organisation, as Xero's JSON (`unitdp=4`). */
  invoices(tenantId = this.tenantId): Record<string, unknown>[] {
    return [...this.tenant(tenantId).invoices.values()].map((inv) => renderInvoice(inv, 4));
  }

  /** What the VA does in Xero's UI: approve, delete or void an invoice. */
  setInvoiceStatus(invoiceId: string, status: string, tenantId = this.tenantId): void {
    const t = this.tenant(tenantId);
    const inv = t.invoices.get(invoiceId);
    if (!inv) throw new Error(`no invoice ${invoiceId}`);
    if (!canMove(inv.Status, status))
      throw new Error(`Xero does not move an invoice from ${inv.Status} to ${status}`);
    t.invoices.set(invoiceId, { ...inv, Status: status, updatedAt: this.now() });
    this.pendingEvents.push({ tenantId, invoiceId, eventType: 'UPDATE' });
  }

  /** Deliver the pending invoice events to `url` in one signed payload, as Xero batches them. */
  async deliverPendingEvents(url: string): Promise<HubDelivery<XeroDeliveryMeta>> {
    const events: FakeWebhookEvent[] = this.pendingEvents.splice(0).map((c) => ({
      resourceUrl: `${this.endpoints().api}/Invoices/${c.invoiceId}`,
      resourceId: c.invoiceId,
      eventDateUtc: xeroEventDate(this.now()),
      eventType: c.eventType,
      eventCategory: 'INVOICE',
      tenantId: c.tenantId,
      tenantType: 'ORGANISATION',
    }));
    return this.webhooks.deliver(url, events);
  }
}

import {
  ConnectorError,
  type Contact,
  type CreatedInvoice,
  type InvoiceDraft,
  type InvoiceSink,
  type InvoiceStatus,
  type Lock,
  stableKey,
  TokenManager,
  type TokenStore,
  tokenLockKey,
  type VahubConfig,
  VahubError,
} from '@vahub/core';
import type { Contact as XeroContact } from 'xero-node';
import { AccountingClient, type XeroLogEvent } from './accounting-client.js';
import { type DraftResult, finishBatch, prepareBatch } from './draft-batch.js';
import { statusOf, toCreatedInvoice, toXeroInvoice } from './invoice-mapping.js';
import type { XeroLimits } from './limits.js';
import { type XeroConnection, type XeroEndpoints, XeroOAuth } from './oauth.js';

/** Xero accepts about 50 invoices per call; larger batches are split. */
const BATCH_SIZE = 50;
/** Unit amounts with 4 decimals instead of 2 (Xero's `unitdp`). */
const UNIT_DP = 4;

export interface XeroConnectorOptions {
  clientId: string;
  clientSecret: string;
  /** Any subset; the rest default to Xero's own URLs. */
  endpoints?: Partial<XeroEndpoints>;
  /** Where the grant lives. Share it (and `lock`) between every process that uses this grant. */
  tokenStore: TokenStore;
  /** The lock that makes refresh single-flight across processes (the Redis lock in production). */
  lock: Lock;
  /** Store key of the grant. @defaultValue "xero" */
  tokenKey?: string;
  /** Refresh this long before the 30-minute access token expires. @defaultValue 5 minutes */
  refreshAheadMs?: number;
  scopes?: readonly string[];
  /** 429s waited out per call before failing with rate_limited. @defaultValue 2 */
  maxRateLimitRetries?: number;
  /** A longer `Retry-After` is not waited for in-process. @defaultValue 60 s */
  maxRetryAfterMs?: number;
  /** @defaultValue 5, Xero's per-organisation concurrency limit */
  maxInFlightPerTenant?: number;
  /** Give up on an Accounting API answer after this long. @defaultValue 30 s */
  requestTimeoutMs?: number;
  /** @defaultValue setTimeout-based */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  log?: (event: XeroLogEvent) => void;
}

function sameText(a: string | undefined, b: string): boolean {
  return (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();
}

function toContact(c: XeroContact): Contact | null {
  if (!c.contactID) return null;
  return { id: c.contactID, name: c.name ?? '', email: c.emailAddress || null };
}

/**
 * Xero as vahub's invoice sink: contacts, draft invoices with the draft's idempotency key, invoice
 * status; plus the connect flow. Accounting calls go through xero-node's `AccountingApi`, identity
 * calls through `XeroOAuth`; tokens through core's `TokenManager`.
 */
export class XeroConnector implements InvoiceSink {
  readonly oauth: XeroOAuth;
  readonly tokens: TokenManager;
  private readonly client: AccountingClient;
  private readonly tokenKey: string;

  constructor(private readonly options: XeroConnectorOptions) {
    const now = options.now ?? Date.now;
    this.tokenKey = options.tokenKey ?? 'xero';
    this.oauth = new XeroOAuth({
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      endpoints: options.endpoints,
      scopes: options.scopes,
      now,
    });
    this.tokens = new TokenManager({
      provider: 'xero',
      key: this.tokenKey,
      store: options.tokenStore,
      lock: options.lock,
      refresh: (refreshToken) => this.oauth.refresh(refreshToken),
      refreshAheadMs: options.refreshAheadMs,
      now,
    });
    this.client = new AccountingClient({
      basePath: this.oauth.endpoints.api,
      tokens: this.tokens,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now,
      maxRateLimitRetries: options.maxRateLimitRetries,
      maxRetryAfterMs: options.maxRetryAfterMs,
      maxInFlightPerTenant: options.maxInFlightPerTenant,
      requestTimeoutMs: options.requestTimeoutMs,
      log: options.log,
    });
  }

  /** The connector for a loaded config: `auth.xero` credentials and `endpoints.xero` URLs. */
  static fromConfig(
    config: Pick<VahubConfig, 'auth' | 'endpoints'>,
    deps: Pick<XeroConnectorOptions, 'tokenStore' | 'lock'> & Partial<XeroConnectorOptions>,
  ): XeroConnector {
    const auth = config.auth.xero;
    if (!auth) {
      throw new VahubError(
        'auth.xero is not configured: add auth.xero.clientId and auth.xero.clientSecret (from the environment, e.g. XERO_CLIENT_ID) to the config',
      );
    }
    return new XeroConnector({
      clientId: auth.clientId,
      clientSecret: auth.clientSecret,
      endpoints: config.endpoints.xero,
      ...deps,
    });
  }

  /**
   * Finish `vahub connect xero`: trade the code, persist the grant (under the refresh lock, so no
   * refresh in another process interleaves), and list the organisations it covers.
   */
  async completeConnect(input: { code: string; redirectUri: string }): Promise<XeroConnection[]> {
    const token = await this.oauth.exchangeCode(input);
    await this.options.lock.withLock(tokenLockKey(this.tokenKey), () =>
      this.options.tokenStore.set(this.tokenKey, token),
    );
    return this.oauth.connections(token.accessToken);
  }

  /** The organisations the stored grant covers. */
  async connections(): Promise<XeroConnection[]> {
    return this.oauth.connections(await this.tokens.accessToken());
  }

  /** Revoke the grant at Xero and forget it here. */
  async disconnect(): Promise<void> {
    const { tokenStore, lock } = this.options;
    await lock.withLock(tokenLockKey(this.tokenKey), async () => {
      const token = await tokenStore.get(this.tokenKey);
      if (token?.refreshToken) await this.oauth.revoke(token.refreshToken);
      await tokenStore.delete(this.tokenKey);
    });
  }

  /** The limit headers of Xero's last answer for this organisation. */
  limits(tenantId: string): XeroLimits | null {
    return this.client.limits(tenantId);
  }

  async findContact(query: {
    tenantId: string;
    contactId?: string;
    name?: string;
    email?: string;
  }): Promise<Contact | null> {
    const { tenantId, contactId, name, email } = query;
    if (contactId) {
      try {
        const { body } = await this.client.call('getContact', tenantId, (api) =>
          api.getContact(tenantId, contactId),
        );
        const found = body.contacts?.[0];
        return found ? toContact(found) : null;
      } catch (err) {
        if (err instanceof ConnectorError && err.code === 'not_found') return null;
        throw err;
      }
    }
    const term = name ?? email;
    if (!term) return null;
    const matches = (await this.searchContacts(tenantId, term)).filter(
      (c) =>
        (name === undefined || sameText(c.name, name)) &&
        (email === undefined || sameText(c.email ?? '', email)),
    );
    return matches[0] ?? null;
  }

  /** Contacts whose name, email or contact number contain `term` (Xero's `searchTerm`, case-insensitive). */
  async searchContacts(tenantId: string, term: string): Promise<Contact[]> {
    const { body } = await this.client.call('searchContacts', tenantId, (api) =>
      api.getContacts(tenantId, undefined, undefined, undefined, undefined, 1, false, undefined, term),
    );
    return (body.contacts ?? []).map(toContact).filter((c): c is Contact => c !== null);
  }

  /** Create a customer contact (for `vahub init` when the client has none yet). */
  async createContact(input: { tenantId: string; name: string; email?: string }): Promise<Contact> {
    const { tenantId, name, email } = input;
    const key = stableKey(['vahub-contact', tenantId, name.trim().toLowerCase()]);
    const { body } = await this.client.call('createContact', tenantId, (api) =>
      api.createContacts(tenantId, { contacts: [{ name, emailAddress: email }] }, true, key),
    );
    const created = body.contacts?.[0];
    const contact = created ? toContact(created) : null;
    if (!contact) {
      throw new ConnectorError({
        provider: 'xero',
        operation: 'createContact',
        code: 'unexpected_response',
        message: 'Xero answered without the created contact',
      });
    }
    return contact;
  }

  /** Create one DRAFT invoice. The draft's idempotency key makes a repeated call answer the first result. */
  async createDraft(tenantId: string, draft: InvoiceDraft): Promise<CreatedInvoice> {
    const operation = 'createInvoiceDraft';
    const invoice = toXeroInvoice(draft, operation);
    const { body } = await this.client.call(operation, tenantId, (api) =>
      api.createInvoices(tenantId, { invoices: [invoice] }, true, UNIT_DP, draft.idempotencyKey),
    );
    const created = body.invoices?.[0];
    if (!created) {
      throw new ConnectorError({
        provider: 'xero',
        operation,
        code: 'unexpected_response',
        message: 'Xero answered without the created invoice',
      });
    }
    return toCreatedInvoice(created, operation);
  }

  /**
   * Create several drafts in one call per 50 (`summarizeErrors=false`, so one bad draft does not
   * sink the others). The call's Idempotency-Key is derived from the drafts' keys: repeating the same
   * batch answers the first result. A draft that failed must be fixed and sent again on its own or in
   * a new batch without the ones that succeeded.
   */
  async createDrafts(tenantId: string, drafts: readonly InvoiceDraft[]): Promise<DraftResult[]> {
    const results: DraftResult[] = [];
    for (let start = 0; start < drafts.length; start += BATCH_SIZE) {
      results.push(...(await this.createBatch(tenantId, drafts.slice(start, start + BATCH_SIZE))));
    }
    return results;
  }

  private async createBatch(tenantId: string, drafts: readonly InvoiceDraft[]): Promise<DraftResult[]> {
    const operation = 'createInvoiceDrafts';
    const batch = prepareBatch(drafts, operation);
    if (batch.sendable.length === 0) return finishBatch(batch, [], operation);
    const { body } = await this.client.call(operation, tenantId, (api) =>
      api.createInvoices(
        tenantId,
        { invoices: batch.sendable.map((s) => s.invoice) },
        false,
        UNIT_DP,
        batch.key,
      ),
    );
    return finishBatch(batch, body.invoices ?? [], operation);
  }

  async getInvoiceStatus(tenantId: string, invoiceId: string): Promise<InvoiceStatus | null> {
    const operation = 'getInvoiceStatus';
    try {
      const { body } = await this.client.call(operation, tenantId, (api) =>
        api.getInvoice(tenantId, invoiceId, UNIT_DP),
      );
      const invoice = body.invoices?.[0];
      return invoice ? statusOf(invoice, operation) : null;
    } catch (err) {
      if (err instanceof ConnectorError && err.code === 'not_found') return null;
      throw err;
    }
  }
}

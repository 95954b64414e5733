import {
  type Attempted,
  ConnectorError,
  type Contact,
  type CreatedInvoice,
  type HttpPipeline,
  type InvoiceDraft,
  type InvoiceStatus,
  stableKey,
} from '@vahub/core';
import type { z } from 'zod';
import type { PipelinedAccountingApi } from './accounting-api.js';
import {
  accountsAnswer,
  contactsAnswer,
  currenciesAnswer,
  historyAnswer,
  invoiceBatchAnswer,
  invoicesAnswer,
  oneContactAnswer,
  organisationAnswer,
  taxRatesAnswer,
} from './answers.js';
import { inTenantTerms } from './api-errors.js';
import { type DraftResult, finishBatch, prepareBatch } from './draft-batch.js';
import { statusOf, toCreatedInvoice, toXeroInvoice } from './invoice-mapping.js';
import type { LimitBoard, XeroLimits } from './limits.js';
import type { Contact as XeroContact } from './sdk.js';
import { organisationOf, toAccount, toCurrency, toTaxRate, type XeroSettings } from './settings.js';

/** Xero accepts about 50 invoices per call; larger batches are split. */
const BATCH_SIZE = 50;
/** Unit amounts with 4 decimals instead of 2 (Xero's `unitdp`). */
const UNIT_DP = 4;
/** Contacts per page when listing them all (Xero's largest `pageSize`). */
const CONTACT_PAGE = 1000;
/** A contact listing longer than this many pages is cut short rather than read on (and counted). */
const CONTACT_PAGES = 10;

function sameText(a: string | undefined, b: string): boolean {
  return (a ?? '').trim().toLowerCase() === b.trim().toLowerCase();
}

function toContact(c: XeroContact): Contact | null {
  if (!c.contactID) return null;
  return { id: c.contactID, name: c.name ?? '', email: c.emailAddress || null };
}

function unexpected(operation: string, message: string): ConnectorError {
  return new ConnectorError({ provider: 'xero', operation, code: 'unexpected_response', message });
}

export interface XeroAccountingOptions {
  /** The grant's pipeline: Bearer from the token manager, the per-tenant limiter, Xero's error readings. */
  pipeline: HttpPipeline;
  api: PipelinedAccountingApi;
  board: LimitBoard;
}

/**
 * The Accounting API calls vahub makes, by Xero organisation: contacts, DRAFT invoices with an
 * Idempotency-Key, invoice status. Every call runs through the grant's pipeline with the tenant as
 * its limit key and the shape of the answer it reads. The invoice sink maps vahub clients onto these;
 * `vahub init` uses the contact search and creation directly.
 */
export class XeroAccounting {
  constructor(private readonly options: XeroAccountingOptions) {}

  /** The limit headers of Xero's last answer for this organisation. */
  limits(tenantId: string): XeroLimits | null {
    return this.options.board.latest(tenantId);
  }

  /** A contact by id, or null when Xero does not know it. */
  async getContact(tenantId: string, contactId: string): Promise<Contact | null> {
    const found = await this.attempt('getContact', tenantId, (api) => api.getContact(tenantId, contactId), {
      schema: oneContactAnswer,
      handle: [404],
    });
    const contact = found.ok ? found.value.body.contacts?.[0] : undefined;
    return contact ? toContact(contact) : null;
  }

  /** A contact by id, or the one whose name and/or email match exactly (any case). */
  async findContact(query: {
    tenantId: string;
    contactId?: string;
    name?: string;
    email?: string;
  }): Promise<Contact | null> {
    const { tenantId, contactId, name, email } = query;
    if (contactId) return this.getContact(tenantId, contactId);
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
    const { body } = await this.call('searchContacts', tenantId, contactsAnswer, (api) =>
      api.getContacts(tenantId, undefined, undefined, undefined, undefined, 1, false, undefined, term),
    );
    return (body.contacts ?? []).map(toContact).filter((c): c is Contact => c !== null);
  }

  /**
   * The organisation's active contacts, page by page (1,000 a page, at most 10 pages), with
   * `truncated` when there were more.
   */
  async listContacts(tenantId: string): Promise<{ contacts: Contact[]; truncated: boolean }> {
    const contacts: Contact[] = [];
    for (let page = 1; page <= CONTACT_PAGES; page++) {
      const { body } = await this.call('listContacts', tenantId, contactsAnswer, (api) =>
        api.getContacts(
          tenantId,
          undefined,
          undefined,
          'Name ASC',
          undefined,
          page,
          false,
          true,
          undefined,
          CONTACT_PAGE,
        ),
      );
      const found = body.contacts ?? [];
      contacts.push(...found.map(toContact).filter((c): c is Contact => c !== null));
      if (found.length < CONTACT_PAGE) return { contacts, truncated: false };
    }
    return { contacts, truncated: true };
  }

  /**
   * What the organisation's invoices may use: its name and base currency, chart of accounts, tax
   * rates and currencies, by one call of each kind (four against its 60 a minute). Needs the
   * `accounting.settings.read` scope.
   */
  async settings(tenantId: string): Promise<XeroSettings> {
    const organisation = await this.call('getOrganisation', tenantId, organisationAnswer, (api) =>
      api.getOrganisations(tenantId),
    );
    const accounts = await this.call('listAccounts', tenantId, accountsAnswer, (api) =>
      api.getAccounts(tenantId),
    );
    const taxRates = await this.call('listTaxRates', tenantId, taxRatesAnswer, (api) =>
      api.getTaxRates(tenantId),
    );
    const currencies = await this.call('listCurrencies', tenantId, currenciesAnswer, (api) =>
      api.getCurrencies(tenantId),
    );
    const present = <T>(x: T | null): x is T => x !== null;
    return {
      tenantId,
      ...organisationOf(organisation.body.organisations?.[0]),
      accounts: (accounts.body.accounts ?? []).map(toAccount).filter(present),
      taxRates: (taxRates.body.taxRates ?? []).map(toTaxRate).filter(present),
      currencies: (currencies.body.currencies ?? []).map(toCurrency).filter(present),
    };
  }

  /** Create a customer contact (for `vahub init` when the client has none yet). Safe to repeat. */
  async createContact(input: { tenantId: string; name: string; email?: string }): Promise<Contact> {
    const { tenantId, name, email } = input;
    const key = stableKey(['vahub-contact', tenantId, name.trim().toLowerCase()]);
    const { body } = await this.call('createContact', tenantId, oneContactAnswer, (api) =>
      api.createContacts(tenantId, { contacts: [{ name, emailAddress: email }] }, true, key),
    );
    const created = body.contacts?.[0];
    const contact = created ? toContact(created) : null;
    if (!contact) throw unexpected('createContact', 'Xero answered without the created contact');
    return contact;
  }

  /** Create one DRAFT invoice. The draft's idempotency key makes a repeated call answer the first result. */
  async createDraft(tenantId: string, draft: InvoiceDraft): Promise<CreatedInvoice> {
    const operation = 'createInvoiceDraft';
    const invoice = toXeroInvoice(draft, operation);
    const { body } = await this.call(operation, tenantId, invoicesAnswer, (api) =>
      api.createInvoices(tenantId, { invoices: [invoice] }, true, UNIT_DP, draft.idempotencyKey),
    );
    const created = body.invoices?.[0];
    if (!created) throw unexpected(operation, 'Xero answered without the created invoice');
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

  /** The invoice's status, or null for an invoice Xero does not know. */
  async getInvoiceStatus(tenantId: string, invoiceId: string): Promise<InvoiceStatus | null> {
    const operation = 'getInvoiceStatus';
    const found = await this.attempt(
      operation,
      tenantId,
      (api) => api.getInvoice(tenantId, invoiceId, UNIT_DP),
      {
        schema: invoicesAnswer,
        handle: [404],
      },
    );
    if (!found.ok) return null;
    const invoice = found.value.body.invoices?.[0];
    if (!invoice) throw unexpected(operation, 'Xero answered without the invoice');
    return statusOf(invoice, operation);
  }

  /** The contact's invoices, every status, page by page (Xero's 100 a page); id, number, status, reference. */
  async listContactInvoices(
    tenantId: string,
    contactId: string,
  ): Promise<
    { invoiceId: string; invoiceNumber: string | null; status: InvoiceStatus; reference: string }[]
  > {
    const operation = 'listContactInvoices';
    const out: {
      invoiceId: string;
      invoiceNumber: string | null;
      status: InvoiceStatus;
      reference: string;
    }[] = [];
    for (let page = 1; ; page++) {
      const { body } = await this.call(operation, tenantId, invoiceBatchAnswer, (api) =>
        api.getInvoices(
          tenantId,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          [contactId],
          undefined,
          page,
        ),
      );
      const invoices = body.invoices ?? [];
      for (const inv of invoices) {
        const { invoiceId, invoiceNumber, status } = toCreatedInvoice(inv, operation);
        out.push({ invoiceId, invoiceNumber, status, reference: inv.reference ?? '' });
      }
      if (invoices.length < 100) return out;
    }
  }

  /** Replace a DRAFT's lines, dates and reference with the draft's (Xero deletes lines left out). */
  async updateDraft(tenantId: string, invoiceId: string, draft: InvoiceDraft): Promise<CreatedInvoice> {
    const operation = 'updateInvoiceDraft';
    const invoice = { ...toXeroInvoice(draft, operation), invoiceID: invoiceId };
    const { body } = await this.call(operation, tenantId, invoicesAnswer, (api) =>
      api.updateInvoice(
        tenantId,
        invoiceId,
        { invoices: [invoice] },
        UNIT_DP,
        stableKey(['vahub-update', invoiceId, draft.idempotencyKey]),
      ),
    );
    const updated = body.invoices?.[0];
    if (!updated) throw unexpected(operation, 'Xero answered without the updated invoice');
    return toCreatedInvoice(updated, operation);
  }

  /** The invoice's History and Notes, oldest first, as their Details. */
  async invoiceHistory(tenantId: string, invoiceId: string): Promise<string[]> {
    const { body } = await this.call('getInvoiceHistory', tenantId, historyAnswer, (api) =>
      api.getInvoiceHistory(tenantId, invoiceId),
    );
    return (body.historyRecords ?? []).map((r) => r.details ?? '');
  }

  /** Add notes to the invoice's History, in one call (each at most 250 characters, Xero's limit). */
  async addInvoiceNotes(tenantId: string, invoiceId: string, notes: readonly string[]): Promise<void> {
    await this.call('addInvoiceNotes', tenantId, historyAnswer, (api) =>
      api.createInvoiceHistory(
        tenantId,
        invoiceId,
        { historyRecords: notes.map((details) => ({ details })) },
        stableKey(['vahub-notes', invoiceId, ...notes]),
      ),
    );
  }

  private async createBatch(tenantId: string, drafts: readonly InvoiceDraft[]): Promise<DraftResult[]> {
    const operation = 'createInvoiceDrafts';
    const batch = prepareBatch(drafts, operation);
    if (batch.sendable.length === 0) return finishBatch(batch, [], operation);
    const { body } = await this.call(operation, tenantId, invoiceBatchAnswer, (api) =>
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

  private async call<T>(
    operation: string,
    tenantId: string,
    schema: z.ZodType,
    run: (api: PipelinedAccountingApi) => Promise<T>,
  ): Promise<T> {
    const result = await this.attempt(operation, tenantId, run, { schema, handle: [] });
    if (!result.ok) throw result.error;
    return result.value;
  }

  private async attempt<T>(
    operation: string,
    tenantId: string,
    run: (api: PipelinedAccountingApi) => Promise<T>,
    options: { schema: z.ZodType; handle: readonly number[] },
  ): Promise<Attempted<T>> {
    try {
      return await this.options.pipeline.attempt(
        operation,
        () => run(this.options.api),
        { schema: options.schema, limitKey: tenantId },
        options.handle,
      );
    } catch (err) {
      throw inTenantTerms(err, tenantId);
    }
  }
}

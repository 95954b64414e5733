import {
  type ClientWithSection,
  ConnectorError,
  type Contact,
  type CreatedInvoice,
  type DraftManifest,
  type InvoiceDraft,
  type InvoiceSink,
  type InvoiceStatus,
  type InvoiceTarget,
  type PeriodDraft,
  seqOfReference,
} from '@vahub/core';
import type { XeroAccounting } from './accounting.js';
import type { XeroClientSection } from './config.js';
import { manifestFromNotes, manifestNotes } from './manifest-notes.js';

/**
 * Xero as vahub's `InvoiceSink`, by vahub client: each client's `xero` section says which
 * organisation, contact, account and tax type its invoices go to; the flows never see them.
 */
export class XeroInvoiceSink implements InvoiceSink {
  private readonly sections: ReadonlyMap<string, XeroClientSection>;

  constructor(
    private readonly accounting: XeroAccounting,
    clients: readonly ClientWithSection<XeroClientSection>[],
  ) {
    this.sections = new Map(clients.map((c) => [c.client.id, c.section]));
  }

  target(clientId: string): InvoiceTarget {
    const { contactId, accountCode, taxType } = this.section(clientId, 'target');
    return { contactId, accountCode, taxType };
  }

  async findContact(clientId: string): Promise<Contact | null> {
    const { tenantId, contactId } = this.section(clientId, 'findContact');
    return this.accounting.getContact(tenantId, contactId);
  }

  /** The draft goes to the client's organisation; a draft made for another client is refused. */
  async createDraft(clientId: string, draft: InvoiceDraft): Promise<CreatedInvoice> {
    const { tenantId } = this.section(clientId, 'createInvoiceDraft');
    if (draft.clientId !== clientId) {
      throw new ConnectorError({
        provider: 'xero',
        operation: 'createInvoiceDraft',
        code: 'validation',
        retryable: false,
        message: `the draft "${draft.reference}" is client ${draft.clientId}'s, not ${clientId}'s: nothing was sent`,
      });
    }
    return this.accounting.createDraft(tenantId, draft);
  }

  async getInvoiceStatus(clientId: string, invoiceId: string): Promise<InvoiceStatus | null> {
    const { tenantId } = this.section(clientId, 'getInvoiceStatus');
    return this.accounting.getInvoiceStatus(tenantId, invoiceId);
  }

  /** The period's invoices for the client's contact, any status, each with the manifest its notes hold. */
  async findPeriodDrafts(clientId: string, periodKey: string): Promise<PeriodDraft[]> {
    const { tenantId, contactId } = this.section(clientId, 'findPeriodDrafts');
    const invoices = await this.accounting.listContactInvoices(tenantId, contactId);
    const ofPeriod = invoices.filter((inv) => seqOfReference(periodKey, inv.reference) !== null);
    const out: PeriodDraft[] = [];
    for (const inv of ofPeriod) {
      const manifest = manifestFromNotes(await this.accounting.invoiceHistory(tenantId, inv.invoiceId));
      out.push({ ...inv, manifest: manifest?.clientId === clientId ? manifest : null });
    }
    return out;
  }

  async updateDraft(clientId: string, invoiceId: string, draft: InvoiceDraft): Promise<CreatedInvoice> {
    const { tenantId } = this.section(clientId, 'updateInvoiceDraft');
    return this.accounting.updateDraft(tenantId, invoiceId, draft);
  }

  /** The manifest as History notes of the invoice (see manifest-notes.ts). */
  async writeManifest(clientId: string, invoiceId: string, manifest: DraftManifest): Promise<void> {
    const { tenantId } = this.section(clientId, 'writeManifest');
    await this.accounting.addInvoiceNotes(tenantId, invoiceId, manifestNotes(manifest));
  }

  /** The Xero organisation a client's invoices go to. */
  tenantOf(clientId: string): string {
    return this.section(clientId, 'tenantOf').tenantId;
  }

  private section(clientId: string, operation: string): XeroClientSection {
    const section = this.sections.get(clientId);
    if (section) return section;
    throw new ConnectorError({
      provider: 'xero',
      operation,
      code: 'validation',
      retryable: false,
      message: `client "${clientId}" has no xero section in the config: add tenantId, contactId and accountCode under its xero key`,
    });
  }
}

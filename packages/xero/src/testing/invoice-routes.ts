import type { FakeRequest, FakeResponse, FakeServer } from '@vahub/testkit';
import { type GuardContext, guarded } from './accounting-guard.js';
import { buildInvoice, renderInvoice } from './invoice-build.js';
import { type FakeInvoice, type FakeTenant, msDate, problem, randomUUID, validationBody } from './state.js';

export type InvoiceChange = { tenantId: string; invoiceId: string; eventType: 'CREATE' | 'UPDATE' };

/** Status changes Xero allows through the API. */
const TRANSITIONS: Record<string, readonly string[]> = {
  DRAFT: ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'DELETED'],
  SUBMITTED: ['SUBMITTED', 'DRAFT', 'AUTHORISED', 'DELETED'],
  AUTHORISED: ['AUTHORISED', 'VOIDED'],
  PAID: ['PAID'],
  VOIDED: ['VOIDED'],
  DELETED: ['DELETED'],
};

export function canMove(from: string, to: string): boolean {
  return (TRANSITIONS[from] ?? []).includes(to);
}

function unitdpOf(req: FakeRequest): number {
  return req.query.get('unitdp') === '4' ? 4 : 2;
}

function envelope(invoices: Record<string, unknown>[], now: number): Record<string, unknown> {
  return {
    Id: randomUUID(),
    Status: 'OK',
    ProviderName: 'vahub fake Xero',
    DateTimeUTC: msDate(now),
    Invoices: invoices,
  };
}

function itemsOf(req: FakeRequest): unknown[] | null {
  const body = req.json as { Invoices?: unknown } | undefined;
  return Array.isArray(body?.Invoices) ? body.Invoices : null;
}

export function invoiceRoutes(
  server: FakeServer,
  ctx: GuardContext,
  onChange: (change: InvoiceChange) => void,
): void {
  const base = '/api.xro/2.0';

  const create = (req: FakeRequest, tenant: FakeTenant): FakeResponse => {
    const items = itemsOf(req);
    if (!items)
      return {
        status: 400,
        json: validationBody([{ ValidationErrors: [{ Message: 'No Invoices were given' }] }]),
      };
    const unitdp = unitdpOf(req);
    const summarize = req.query.get('summarizeErrors') !== 'false';
    const now = ctx.now();
    const built = items.map((item) => {
      const existingId = (item as { InvoiceID?: unknown }).InvoiceID;
      if (req.method === 'POST' && typeof existingId === 'string' && tenant.invoices.has(existingId)) {
        return update(tenant, existingId, item, now, unitdp);
      }
      return buildInvoice({ tenant, item, unitdp, now });
    });
    if (summarize && built.some((b) => b.errors.length > 0)) {
      // Nothing is saved when any invoice fails and errors are summarised.
      return {
        status: 400,
        json: validationBody(
          built.map((b, i) => ({
            ...(items[i] as object),
            ValidationErrors: b.errors.map((Message) => ({ Message })),
          })),
        ),
      };
    }
    const out = built.map((b, i) => {
      if (!b.invoice || b.errors.length > 0) {
        return {
          ...(items[i] as object),
          StatusAttributeString: 'ERROR',
          HasErrors: true,
          ValidationErrors: b.errors.map((Message) => ({ Message })),
        };
      }
      const isNew = !tenant.invoices.has(b.invoice.InvoiceID);
      tenant.invoices.set(b.invoice.InvoiceID, b.invoice);
      onChange({
        tenantId: tenant.tenantId,
        invoiceId: b.invoice.InvoiceID,
        eventType: isNew ? 'CREATE' : 'UPDATE',
      });
      return { ...renderInvoice(b.invoice, unitdp), StatusAttributeString: 'OK' };
    });
    return { status: 200, json: envelope(out, now) };
  };

  server.route('PUT', `${base}/Invoices`, guarded(ctx, create));
  server.route('POST', `${base}/Invoices`, guarded(ctx, create));

  server.route(
    'GET',
    `${base}/Invoices`,
    guarded(ctx, (req, tenant) => {
      const ids = new Set((req.query.get('IDs') ?? '').split(',').filter(Boolean));
      const contacts = new Set((req.query.get('ContactIDs') ?? '').split(',').filter(Boolean));
      const statuses = new Set((req.query.get('Statuses') ?? '').split(',').filter(Boolean));
      const page = Math.max(1, Number(req.query.get('page') ?? '1') || 1);
      const all = [...tenant.invoices.values()].filter(
        (inv) =>
          (ids.size === 0 || ids.has(inv.InvoiceID)) &&
          (contacts.size === 0 || contacts.has(inv.ContactID)) &&
          (statuses.size === 0 || statuses.has(inv.Status)),
      );
      const slice = all.slice((page - 1) * 100, page * 100);
      return {
        status: 200,
        json: envelope(
          slice.map((inv) => renderInvoice(inv, unitdpOf(req))),
          ctx.now(),
        ),
      };
    }),
  );

  server.route(
    'GET',
    `${base}/Invoices/:id`,
    guarded(ctx, (req, tenant) => {
      const inv = tenant.invoices.get(req.params.id ?? '');
      if (!inv) return problem(404, 'NotFound', "The resource you're looking for cannot be found");
      return { status: 200, json: envelope([renderInvoice(inv, unitdpOf(req))], ctx.now()) };
    }),
  );

  server.route(
    'POST',
    `${base}/Invoices/:id`,
    guarded(ctx, (req, tenant) => {
      const id = req.params.id ?? '';
      if (!tenant.invoices.has(id))
        return problem(404, 'NotFound', "The resource you're looking for cannot be found");
      const item = itemsOf(req)?.[0] ?? req.json;
      const result = update(tenant, id, item, ctx.now(), unitdpOf(req));
      if (result.errors.length > 0 || !result.invoice) {
        return {
          status: 400,
          json: validationBody([
            { InvoiceID: id, ValidationErrors: result.errors.map((Message) => ({ Message })) },
          ]),
        };
      }
      tenant.invoices.set(id, result.invoice);
      onChange({ tenantId: tenant.tenantId, invoiceId: id, eventType: 'UPDATE' });
      return { status: 200, json: envelope([renderInvoice(result.invoice, unitdpOf(req))], ctx.now()) };
    }),
  );
}

/** Statuses whose content Xero lets the API edit. */
const EDITABLE = new Set(['DRAFT', 'SUBMITTED']);

/**
 * Apply a change to a stored invoice: status and reference always (as the transitions allow); line
 * items, dates and currency only while it is DRAFT or SUBMITTED, replacing every line as Xero does
 * (lines left out of the body are deleted) and recomputing Quantity × UnitAmount and tax.
 */
function update(
  tenant: FakeTenant,
  id: string,
  item: unknown,
  now: number,
  unitdp: number,
): { invoice: FakeInvoice | null; errors: string[] } {
  const current = tenant.invoices.get(id);
  if (!current) return { invoice: null, errors: [`Invoice ${id} does not exist`] };
  const change = (typeof item === 'object' && item !== null ? item : {}) as {
    Status?: unknown;
    Reference?: unknown;
    LineItems?: unknown;
  };
  const status = typeof change.Status === 'string' ? change.Status : current.Status;
  if (!canMove(current.Status, status)) {
    return {
      invoice: null,
      errors: [`Invoice ${current.InvoiceNumber} cannot move from ${current.Status} to ${status}`],
    };
  }
  const reference = typeof change.Reference === 'string' ? change.Reference : current.Reference;
  if (change.LineItems === undefined) {
    return { invoice: { ...current, Status: status, Reference: reference, updatedAt: now }, errors: [] };
  }
  if (!EDITABLE.has(current.Status)) {
    return { invoice: null, errors: [`This document cannot be edited as it is ${current.Status}`] };
  }
  const merged = {
    Type: current.Type,
    Contact: { ContactID: current.ContactID },
    CurrencyCode: current.CurrencyCode,
    LineAmountTypes: current.LineAmountTypes,
    Date: current.date,
    ...(current.dueDate ? { DueDate: current.dueDate } : {}),
    ...(item as object),
    Status: status === 'DRAFT' || status === 'SUBMITTED' || status === 'AUTHORISED' ? status : current.Status,
    Reference: reference,
  };
  const built = buildInvoice({ tenant, item: merged, unitdp, now });
  if (!built.invoice) return built;
  tenant.invoiceSeq -= 1; // the number stays the invoice's own
  return {
    invoice: { ...built.invoice, InvoiceID: current.InvoiceID, InvoiceNumber: current.InvoiceNumber },
    errors: [],
  };
}

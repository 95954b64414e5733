import { z } from 'zod';

/*
 * The shapes of Xero's successful answers, as the pipeline checks them before anything reads them:
 * an answer that is not JSON or not of its shape fails the call with a retryable
 * `unexpected_response`, never reads as "no invoice" or "no contacts". Only what vahub reads is
 * required; the SDK's models do the mapping once the shape is known.
 */

const invoice = z.looseObject({
  InvoiceID: z.string().min(1),
  Status: z.string().min(1),
});

/** `PUT /Invoices` (errors summarised) and `GET /Invoices/{id}`: at least the invoice asked for. */
export const invoicesAnswer = z.looseObject({ Invoices: z.array(invoice).min(1) });

/**
 * `PUT /Invoices?summarizeErrors=false`: one item per invoice sent, refused ones without a usable
 * InvoiceID, so each item is read on its own.
 */
export const invoiceBatchAnswer = z.looseObject({ Invoices: z.array(z.looseObject({})) });

/** `GET/PUT /Invoices/{id}/History`: the records (a PUT answers the notes it added). */
export const historyAnswer = z.looseObject({ HistoryRecords: z.array(z.looseObject({})) });

const contact = z.looseObject({ ContactID: z.string().min(1), Name: z.string().optional() });

/** `GET /Contacts` (a search may find none). */
export const contactsAnswer = z.looseObject({ Contacts: z.array(contact) });

/** `GET /Contacts/{id}` and `PUT /Contacts`: the contact asked for or created. */
export const oneContactAnswer = z.looseObject({ Contacts: z.array(contact).min(1) });

/** Xero's token endpoint (code exchange and refresh). */
export const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});

/** `GET /connections`: the organisations the grant covers. */
export const connectionsAnswer = z.array(
  z.object({
    id: z.string(),
    tenantId: z.string(),
    tenantType: z.string(),
    tenantName: z.string().nullish(),
    authEventId: z.string().nullish(),
  }),
);

/** `GET /Organisation`: the organisation the tenant id names. */
export const organisationAnswer = z.looseObject({
  Organisations: z.array(z.looseObject({ Name: z.string().optional(), BaseCurrency: z.string() })).min(1),
});

/** `GET /Accounts`: the chart of accounts, every status. */
export const accountsAnswer = z.looseObject({
  Accounts: z.array(z.looseObject({ Code: z.string().optional(), Status: z.string().optional() })),
});

/** `GET /TaxRates`: every tax rate, every status. */
export const taxRatesAnswer = z.looseObject({
  TaxRates: z.array(z.looseObject({ TaxType: z.string().min(1), Status: z.string().optional() })),
});

/** `GET /Currencies`: the currencies the organisation uses. */
export const currenciesAnswer = z.looseObject({ Currencies: z.array(z.looseObject({ Code: z.string() })) });

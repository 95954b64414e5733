import { createRequire } from 'node:module';
import type { AxiosStatic } from 'axios';
import type * as Api from 'xero-node/dist/gen/api/accountingApi.js';
import type * as Models from 'xero-node/dist/gen/model/accounting/models.js';

// The parts of xero-node vahub calls, each by its own path. Its index also loads `XeroClient`
// (openid-client, jose) and ten other APIs with their model trees (payroll AU/NZ/UK, assets,
// files, finance, projects, …): about 8 MB of heap and 20 MB resident in every worker, for
// nothing vahub calls. The accounting API and its models stay loaded at start, as before.
// Required as the CommonJS they are: imported, each file goes through the ES module loader, which
// under a loader (tsx) keeps a second copy of its source (2.4 MB for the accounting API alone).
const require = createRequire(import.meta.url);
const api = require('xero-node/dist/gen/api/accountingApi.js') as typeof Api;
const models = require('xero-node/dist/gen/model/accounting/models.js') as typeof Models;

export const { AccountingApi } = api;
export const { CurrencyCode, Invoice, LineAmountTypes } = models;
export type AccountingApi = Api.AccountingApi;
export type CurrencyCode = Models.CurrencyCode;
export type Invoice = Models.Invoice;
export type LineAmountTypes = Models.LineAmountTypes;
export type {
  Account,
  Contact,
  Currency,
  LineItem,
  Organisation,
  TaxRate,
} from 'xero-node/dist/gen/model/accounting/models.js';

/**
 * The very axios xero-node requires (its CommonJS build), not a second copy: `import 'axios'` from
 * an ES module resolves to axios's ESM build, a separate set of classes (an `AxiosError` thrown by
 * our adapter would not be one of the SDK's) and 68 more modules in every worker.
 */
export const axios = createRequire(require.resolve('xero-node'))('axios') as AxiosStatic;

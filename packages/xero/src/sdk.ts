import { createRequire } from 'node:module';
import type { AxiosStatic } from 'axios';

// The parts of xero-node vahub calls, each by its own path. Its index also loads `XeroClient`
// (openid-client, jose) and ten other APIs with their model trees (payroll AU/NZ/UK, assets,
// files, finance, projects, …): about 8 MB of heap and 20 MB resident in every worker, for
// nothing vahub calls. The accounting API and its models stay loaded at start, as before.
export { AccountingApi } from 'xero-node/dist/gen/api/accountingApi.js';
export type { Contact, LineItem } from 'xero-node/dist/gen/model/accounting/models.js';
export { CurrencyCode, Invoice, LineAmountTypes } from 'xero-node/dist/gen/model/accounting/models.js';

/**
 * The very axios xero-node requires (its CommonJS build), not a second copy: `import 'axios'` from
 * an ES module resolves to axios's ESM build, a separate set of classes (an `AxiosError` thrown by
 * our adapter would not be one of the SDK's) and 68 more modules in every worker.
 */
export const axios = createRequire(createRequire(import.meta.url).resolve('xero-node'))(
  'axios',
) as AxiosStatic;

// The fake Xero, for tests: import from `@vahub/xero/testing`, never from production code.
export type { FakeAccountOptions, FakeTaxRateOptions } from './chart.js';
export {
  type FakeTenantOptions,
  FakeXero,
  type FakeXeroEndpoints,
  type FakeXeroOptions,
} from './fake-xero.js';
export { type FakeInvoiceTotals, type FakeLineAmountTypes, invoiceTotals } from './invoice-math.js';
export type { FakeLimitOptions, LimitProblem } from './tenant-limits.js';
export {
  type FakeWebhookEvent,
  type IntentToReceiveResult,
  type XeroDeliveryMeta,
  XeroWebhookSender,
  xeroEventDate,
} from './webhook-sender.js';

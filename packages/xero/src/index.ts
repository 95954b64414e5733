export { XeroAccounting } from './accounting.js';
export { PipelinedAccountingApi, pipelineAdapter } from './accounting-api.js';
export {
  describeApiAnswer,
  describeIdentityAnswer,
  type XeroLimitName,
  XeroRateLimitError,
  xeroMessages,
} from './api-errors.js';
export {
  DEFAULT_XERO_SCOPES,
  XERO_ENDPOINTS,
  XERO_SECRETS,
  XERO_TOKEN_KEY,
  type XeroClientSection,
  type XeroEndpoints,
  type XeroSecrets,
  xeroClientSection,
} from './config.js';
export { XeroConnect, type XeroConnection } from './connect.js';
export { createXero, type XeroContext, type XeroInstance, type XeroTuning } from './connector.js';
export { xeroConnector } from './descriptor.js';
export type { DraftResult } from './draft-batch.js';
export { checkDraftArithmetic, exactNumber, toXeroInvoice } from './invoice-mapping.js';
export { XeroInvoiceSink } from './invoice-sink.js';
export { KeyedSemaphore, type XeroLimits } from './limits.js';
export { checkXeroClients, listXeroIds, requireSettingsScope } from './lookup.js';
export { XeroOAuth } from './oauth.js';
export type { XeroAccount, XeroSettings, XeroTaxRate } from './settings.js';
export {
  parseXeroWebhook,
  toWebhookEvent,
  verifyXeroSignature,
  type XeroWebhookEvent,
  type XeroWebhookPayload,
  xeroSubscriptions,
  xeroWebhookManual,
  xeroWebhookReceiver,
} from './webhooks.js';

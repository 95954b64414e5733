export type { XeroLogEvent } from './accounting-client.js';
export {
  readRejection,
  type XeroFailure,
  type XeroLimitName,
  XeroRateLimitError,
  xeroMessages,
} from './api-errors.js';
export { XeroConnector, type XeroConnectorOptions } from './connector.js';
export type { DraftResult } from './draft-batch.js';
export { checkDraftArithmetic, exactNumber, toXeroInvoice } from './invoice-mapping.js';
export type { XeroLimits } from './limits.js';
export {
  DEFAULT_XERO_SCOPES,
  type XeroConnection,
  type XeroEndpoints,
  XeroOAuth,
  type XeroOAuthOptions,
} from './oauth.js';
export {
  handleXeroWebhook,
  parseXeroWebhook,
  verifyXeroSignature,
  type XeroInvoiceEvent,
  type XeroWebhookOutcome,
  type XeroWebhookPayload,
} from './webhooks.js';

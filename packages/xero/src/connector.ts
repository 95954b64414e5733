import {
  bearerAuth,
  type ClientCheck,
  type ConnectorContext,
  type ConnectorInstance,
  HttpPipeline,
  type IdTable,
  type RetryOptions,
  type SubscriptionManager,
  TokenManager,
  type WebhookReceiver,
} from '@vahub/core';
import { XeroAccounting } from './accounting.js';
import { PipelinedAccountingApi } from './accounting-api.js';
import { describeApiAnswer } from './api-errors.js';
import {
  XERO_ENDPOINTS,
  XERO_TOKEN_KEY,
  type XeroClientSection,
  type XeroEndpoints,
  type XeroSecrets,
} from './config.js';
import { XeroConnect } from './connect.js';
import { XeroInvoiceSink } from './invoice-sink.js';
import { KeyedSemaphore, LimitBoard } from './limits.js';
import { checkXeroClients, listXeroIds } from './lookup.js';
import { XeroOAuth } from './oauth.js';
import { xeroSubscriptions, xeroWebhookReceiver } from './webhooks.js';

/** Settings that are not config: tests and benchmarks tune them, the descriptor takes the defaults. */
export interface XeroTuning {
  /** Bounds every exchange, from connecting to the last byte. @defaultValue 30_000 (the pipeline's) */
  timeoutMs?: number;
  /** Core's retry policy, e.g. `{ attempts: 1 }` or `{ maxRateLimitWaits: 0 }`. @defaultValue core's */
  retry?: RetryOptions;
  /**
   * Calls in flight per organisation from this process, when `deps.limiter` is absent.
   * @defaultValue 5, Xero's per-organisation concurrency limit
   */
  maxInFlightPerTenant?: number;
  /** Refresh this long before the access token expires. @defaultValue the TokenManager's */
  refreshAheadMs?: number;
  /** @defaultValue DEFAULT_XERO_SCOPES */
  scopes?: readonly string[];
  /** Store key of the grant. @defaultValue "xero" */
  tokenKey?: string;
}

/** What `xeroConnector.create` builds: the invoice port, webhooks, and the connect flow for the CLI. */
export interface XeroInstance extends ConnectorInstance<'invoices'> {
  ports: { invoices: XeroInvoiceSink };
  webhooks: WebhookReceiver;
  /** Nothing to call: Xero's webhooks are set up in its developer portal (`XERO_WEBHOOK_MANUAL`). */
  subscriptions: SubscriptionManager;
  /** `vahub connect xero`: consent URL, code exchange, organisations, disconnect. */
  connect: XeroConnect;
  /** The same flow, as every OAuth connector offers it. */
  oauth: XeroConnect;
  /** Tenant-level calls for `vahub init` (contact search and creation, batches, limit headers). */
  accounting: XeroAccounting;
  /** `vahub ids xero`: organisations, contacts, revenue accounts, tax rates, currencies. */
  listIds(): Promise<IdTable[]>;
  /** Each client's account code, tax type and currency, one settings read per organisation. */
  checkClients(): Promise<ClientCheck[]>;
}

/**
 * What the connector is built from: the registry's `ConnectorContext` fits; a tool or a test that
 * has no VA or calendar settings passes just these (`clients` may be empty for connect-only use).
 */
export type XeroContext = Pick<
  ConnectorContext<XeroClientSection, undefined>,
  'clients' | 'endpoints' | 'secrets' | 'deps'
>;

/**
 * Build the Xero connector from its slice of the config. Nothing here calls Xero or fails for a
 * missing secret: the first call that needs one fails, naming it. Two pipelines, one per credential:
 * the app's client id and secret (token and revocation) and the grant (Accounting API and
 * `/connections`, Bearer from core's `TokenManager`, refreshed single-flight under the lock).
 */
export function createXero(context: XeroContext, tuning: XeroTuning = {}): XeroInstance {
  const { deps } = context;
  const now = deps.now ?? Date.now;
  const endpoints: XeroEndpoints = { ...XERO_ENDPOINTS, ...context.endpoints };
  const secrets = context.secrets as XeroSecrets;
  const retry: RetryOptions = { ...(deps.sleep ? { sleep: deps.sleep } : {}), ...tuning.retry };
  const shared = { logger: deps.logger, timeoutMs: tuning.timeoutMs, retry, now };
  const tokenKey = tuning.tokenKey ?? XERO_TOKEN_KEY;

  const oauth = new XeroOAuth({ endpoints, secrets, scopes: tuning.scopes, pipeline: shared, now });
  const tokens = new TokenManager({
    provider: 'xero',
    key: tokenKey,
    store: deps.tokens,
    lock: deps.lock,
    refresh: (refreshToken) => oauth.refresh(refreshToken),
    refreshAheadMs: tuning.refreshAheadMs,
    now,
  });
  const board = new LimitBoard(deps.logger.child({ provider: 'xero' }), now);
  const grant = new HttpPipeline({
    ...shared,
    provider: 'xero',
    auth: bearerAuth(tokens),
    limiter: deps.limiter ?? new KeyedSemaphore(tuning.maxInFlightPerTenant ?? 5),
    describe: describeApiAnswer,
    onAnswer: board.onAnswer,
  });
  const accounting = new XeroAccounting({
    pipeline: grant,
    api: new PipelinedAccountingApi(endpoints.api, grant),
    board,
  });
  const connect = new XeroConnect({
    oauth,
    grant,
    connectionsUrl: endpoints.connections,
    tokens: deps.tokens,
    lock: deps.lock,
    tokenKey,
  });
  const lookup = { accounting, connect, tokens: deps.tokens, tokenKey };
  return {
    ports: { invoices: new XeroInvoiceSink(accounting, context.clients) },
    webhooks: xeroWebhookReceiver(secrets.webhookKey),
    subscriptions: xeroSubscriptions,
    connect,
    oauth: connect,
    accounting,
    listIds: () => listXeroIds(lookup),
    checkClients: () => checkXeroClients(lookup, context.clients),
    // The organisations the grant reaches, by one call (`GET /connections`).
    whoami: async () => {
      const organisations = await connect.connections();
      return organisations.map((o) => o.tenantName ?? o.tenantId).join(', ') || 'no organisation';
    },
  };
}

import { redact } from './redact.js';

/** Base of every error vahub raises on purpose. Matched by `name` as well, so it survives a job boundary. */
export class VahubError extends Error {
  override name = 'VahubError';
}

export interface ConfigIssue {
  /** Where in the config: `clients[1].billing.currency`. */
  path: string;
  /** What is wrong and what to do about it. */
  message: string;
}

/** A config file that cannot be used; `issues` lists every problem found, not just the first. */
export class ConfigError extends VahubError {
  override name = 'ConfigError';
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], source = 'config') {
    super(
      `${source} has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues
        .map((i) => `  - ${i.path || '(top level)'}: ${i.message}`)
        .join('\n')}`,
    );
    this.issues = issues;
  }
}

/** A connector's id (`asana`, `xero`, …): core names no vendor, the connector descriptors do. */
export type Provider = string;

export type ConnectorErrorCode =
  | 'rate_limited'
  | 'quota_exhausted'
  | 'reconnect_required'
  | 'validation'
  | 'not_found'
  | 'conflict'
  | 'unavailable'
  | 'network'
  | 'timeout'
  | 'unexpected_response'
  | 'failed';

export interface ConnectorErrorInit {
  provider: Provider;
  /** What vahub was doing, e.g. `createInvoiceDraft`: the first thing a person reading the error needs. */
  operation: string;
  status?: number | undefined;
  code?: ConnectorErrorCode;
  /** Whether trying again later can succeed. Defaults from the status: 408, 429 and 5xx are retryable. */
  retryable?: boolean;
  /** How long to wait before trying again (from `Retry-After` or a quota header). */
  retryAfterMs?: number | undefined;
  message: string;
  /** The vendor's own messages (validation errors and the like), redacted and bounded. */
  details?: readonly string[];
  cause?: unknown;
}

export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Failures that trying again later can cure, when no HTTP status says otherwise. */
const RETRYABLE_CODES: ReadonlySet<ConnectorErrorCode> = new Set([
  'rate_limited',
  'quota_exhausted',
  'unavailable',
  'network',
  'timeout',
]);

function codeFor(status: number | undefined): ConnectorErrorCode {
  if (status === undefined) return 'network';
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'reconnect_required';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'validation';
  if (status >= 500) return 'unavailable';
  return 'failed';
}

/**
 * A failed call to a vendor. Its message names the provider, the operation and the status, is
 * bounded, and never carries a token.
 */
export class ConnectorError extends VahubError {
  override name = 'ConnectorError';
  readonly provider: Provider;
  readonly operation: string;
  readonly status: number | undefined;
  readonly code: ConnectorErrorCode;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: readonly string[];

  constructor(init: ConnectorErrorInit) {
    const status = init.status === undefined ? '' : ` (HTTP ${init.status})`;
    super(redact(`${init.provider} ${init.operation} failed${status}: ${init.message}`), {
      cause: init.cause,
    });
    this.provider = init.provider;
    this.operation = init.operation;
    this.status = init.status;
    this.code = init.code ?? codeFor(init.status);
    this.retryable =
      init.retryable ??
      (init.status === undefined
        ? RETRYABLE_CODES.has(this.code)
        : this.code !== 'reconnect_required' && isRetryableStatus(init.status));
    this.retryAfterMs = init.retryAfterMs;
    this.details = (init.details ?? []).slice(0, 20).map((d) => redact(d));
  }
}

/** The grant is gone (revoked, expired, `invalid_grant`): only the VA can fix it, with `vahub connect`. */
export class ReconnectRequiredError extends ConnectorError {
  override name = 'ReconnectRequiredError';
  constructor(init: Omit<ConnectorErrorInit, 'code' | 'retryable' | 'message'> & { message?: string }) {
    super({
      ...init,
      code: 'reconnect_required',
      retryable: false,
      message:
        init.message ??
        `the ${init.provider} connection is no longer valid: run \`vahub connect ${init.provider}\``,
    });
  }
}

function hasName(err: unknown, names: readonly string[]): boolean {
  return (
    typeof err === 'object' && err !== null && names.includes((err as { name?: unknown }).name as string)
  );
}

export function isConnectorError(err: unknown): err is ConnectorError {
  return (
    err instanceof ConnectorError ||
    hasName(err, ['ConnectorError', 'ReconnectRequiredError', 'AmbiguousClientError'])
  );
}

export function isReconnectRequired(err: unknown): err is ReconnectRequiredError {
  return (
    err instanceof ReconnectRequiredError ||
    hasName(err, ['ReconnectRequiredError']) ||
    (isConnectorError(err) && err.code === 'reconnect_required')
  );
}

/** Parse a `Retry-After` header (seconds or an HTTP date) into milliseconds; undefined if absent or bad. */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * A thing the source files under two (or more) clients, e.g. a task in two clients' projects. vahub
 * never guesses whose it is: the VA files it under one client.
 */
export class AmbiguousClientError extends ConnectorError {
  override name = 'AmbiguousClientError';
  readonly clientIds: readonly string[];
  constructor(init: { provider: Provider; operation: string; what: string; clientIds: readonly string[] }) {
    super({
      provider: init.provider,
      operation: init.operation,
      code: 'conflict',
      retryable: false,
      message: `${init.what} belongs to more than one client (${init.clientIds.join(', ')}): move it to one client's projects`,
    });
    this.clientIds = [...init.clientIds].sort();
  }
}

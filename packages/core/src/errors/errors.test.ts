import { describe, expect, it } from 'vitest';
import {
  ConnectorError,
  isConnectorError,
  isReconnectRequired,
  parseRetryAfter,
  ReconnectRequiredError,
} from './errors.js';
import { MAX_MESSAGE_LENGTH, redact, registerSecret } from './redact.js';

describe('ConnectorError', () => {
  it('names provider, operation and status, and infers whether to retry', () => {
    const err = new ConnectorError({
      provider: 'xero',
      operation: 'createInvoiceDraft',
      status: 429,
      message: 'slow down',
      retryAfterMs: 2000,
    });
    expect(err.message).toBe('xero createInvoiceDraft failed (HTTP 429): slow down');
    expect(err).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 2000 });
    expect(
      new ConnectorError({ provider: 'asana', operation: 'getTask', status: 400, message: 'bad' }).retryable,
    ).toBe(false);
    expect(
      new ConnectorError({ provider: 'asana', operation: 'getTask', status: 503, message: 'down' }).retryable,
    ).toBe(true);
    expect(
      new ConnectorError({ provider: 'asana', operation: 'getTask', status: 401, message: 'no' }).retryable,
    ).toBe(false);
    // Without a status the code decides: a network failure is retryable, a bad answer is not.
    expect(new ConnectorError({ provider: 'toggl', operation: 'me', message: 'ECONNRESET' }).retryable).toBe(
      true,
    );
    const shape = { provider: 'toggl' as const, operation: 'me', message: 'not JSON' };
    expect(new ConnectorError({ ...shape, code: 'unexpected_response' }).retryable).toBe(false);
  });

  it('never carries a registered token, a bearer header or a token field, and stays bounded', () => {
    registerSecret('pat-1/12345abcdef');
    const err = new ConnectorError({
      provider: 'asana',
      operation: 'getTask',
      status: 500,
      message: `token pat-1/12345abcdef failed; Authorization: Bearer ya29.a0AfH6SMB; {"refresh_token":"r-9876543"} ${'x'.repeat(2000)}`,
      details: ['client_secret=s3cr3t-value'],
    });
    expect(err.message).not.toMatch(/12345abcdef|ya29|r-9876543/);
    expect(err.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(err.details.join()).not.toContain('s3cr3t');
  });

  it('is recognised by name after crossing a process boundary', () => {
    const copy = JSON.parse(JSON.stringify({ name: 'ReconnectRequiredError', message: 'x' }));
    expect(isConnectorError(copy)).toBe(true);
    expect(isReconnectRequired(copy)).toBe(true);
    const err = new ReconnectRequiredError({ provider: 'xero', operation: 'refreshToken' });
    expect(err.message).toContain('vahub connect xero');
    expect(err.retryable).toBe(false);
    expect(isReconnectRequired(err)).toBe(true);
  });
});

describe('redact', () => {
  it('removes extra secrets passed in', () => {
    expect(redact('key abcdef123456 here', ['abcdef123456'])).toBe('key [redacted] here');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Sat, 28 Nov 2026 10:00:05 GMT', Date.parse('2026-11-28T10:00:00Z'))).toBe(5000);
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

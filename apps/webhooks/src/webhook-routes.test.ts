import { describe, expect, it } from 'vitest';
import { webhookPath } from './webhook-routes.js';

describe('webhookPath', () => {
  it('reads the provider and the hook, decoded, as the routes declare them', () => {
    expect(webhookPath('/webhooks/xero')).toEqual({ provider: 'xero', hook: undefined });
    expect(webhookPath('/webhooks/asana/h%2D1')).toEqual({ provider: 'asana', hook: 'h-1' });
    expect(webhookPath('/webhooks/a%20b')).toEqual({ provider: 'a b', hook: undefined });
  });

  it('takes one trailing slash, a query and the prefix in any case, as Express routes match', () => {
    expect(webhookPath('/webhooks/xero/')).toEqual({ provider: 'xero', hook: undefined });
    expect(webhookPath('/webhooks/asana/h1/?x=1')).toEqual({ provider: 'asana', hook: 'h1' });
    expect(webhookPath('/WebHooks/xero?a=/b/c')).toEqual({ provider: 'xero', hook: undefined });
    expect(webhookPath('/webhooks/xero#part')).toEqual({ provider: 'xero', hook: undefined });
  });

  it('reads a target in absolute form for its path, as HTTP/1.1 servers must', () => {
    expect(webhookPath('http://vahub.example/webhooks/asana/h1?x=1')).toEqual({
      provider: 'asana',
      hook: 'h1',
    });
    expect(webhookPath('http://vahub.example/healthz')).toBeUndefined();
    expect(webhookPath('*')).toBeUndefined();
  });

  it('is no webhook route for other paths, empty segments or more than two', () => {
    for (const url of [
      '/',
      '/webhooks',
      '/webhooks/',
      '/webhooks//',
      '/webhooks//h1',
      '/webhooks/xero//',
      '/webhooks/asana/h1/more',
      '/healthz',
      '/webhooksxero',
      '/api/webhooks/xero',
      '?/webhooks/xero',
    ]) {
      expect(webhookPath(url), url).toBeUndefined();
    }
  });

  it('says so when a segment is not valid percent-encoding (answered 400, not 5xx)', () => {
    expect(webhookPath('/webhooks/%E0%A4%A')).toBe('bad-encoding');
    expect(webhookPath('/webhooks/asana/%ZZ')).toBe('bad-encoding');
  });
});

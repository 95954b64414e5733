import { describe, expect, it } from 'vitest';
import { TogglHttp } from './http.js';

describe('TogglHttp', () => {
  it("builds Toggl's real URLs from the default endpoints", () => {
    const http = new TogglHttp({ apiToken: 'a-token-for-url-tests' });
    expect(http.url('api', '/me/time_entries', { since: 1793000000, before: undefined })).toBe(
      'https://api.track.toggl.com/api/v9/me/time_entries?since=1793000000',
    );
    expect(http.url('reports', '/workspace/42/search/time_entries')).toBe(
      'https://api.track.toggl.com/reports/api/v3/workspace/42/search/time_entries',
    );
    expect(http.url('webhooks', '/subscriptions/42')).toBe(
      'https://api.track.toggl.com/webhooks/api/v1/subscriptions/42',
    );
  });

  it('joins an overridden base with or without a trailing slash', () => {
    const http = new TogglHttp({
      apiToken: 'a-token-for-url-tests',
      endpoints: { api: 'http://127.0.0.1:9/api/v9/' },
    });
    expect(http.url('api', '/me')).toBe('http://127.0.0.1:9/api/v9/me');
  });

  it('starts without a token, and its first call fails saying where to put one, sending nothing', async () => {
    const http = new TogglHttp({ apiToken: '', endpoints: { api: 'http://127.0.0.1:9/api/v9' } });
    const err = await http
      .request({ api: 'api', method: 'GET', path: '/me', operation: 'getMe', schema: null })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ReconnectRequiredError', retryable: false });
    expect((err as Error).message).toMatch(/auth\.toggl\.apiToken/);
    expect((err as Error).message).toContain('TOGGL_API_TOKEN');
  });
});

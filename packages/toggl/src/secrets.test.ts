import { isConnectorError } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TogglClient } from './client.js';
import { FakeToggl } from './testing/index.js';

/** Everything of an error a log line or a job's failure record could show. */
function exposed(err: unknown): string {
  const e = err as Error & { details?: unknown };
  return [e.message, String(e), e.stack ?? '', JSON.stringify(e.details ?? []), JSON.stringify(e)].join('\n');
}

describe('errors never contain the API token', () => {
  let fake: FakeToggl;
  let client: TogglClient;
  let basic: string;

  beforeEach(async () => {
    fake = new FakeToggl({ apiToken: `tok${'9f3a'.repeat(8)}` });
    await fake.start();
    fake.addWorkspace();
    // No in-process retries: each error is the first answer's.
    client = new TogglClient({
      apiToken: fake.apiToken,
      endpoints: fake.endpoints(),
      retry: { maxRateLimitWaits: 0, attempts: 1 },
    });
    basic = Buffer.from(`${fake.apiToken}:api_token`).toString('base64');
  });
  afterEach(() => fake.stop());

  const expectClean = (err: unknown, token = fake.apiToken) => {
    expect(isConnectorError(err)).toBe(true);
    const text = exposed(err);
    expect(text).not.toContain(token);
    expect(text).not.toContain(basic);
  };

  it('when Toggl echoes the token and the auth header in an error body', async () => {
    fake.server.faults.next({
      status: 500,
      json: { error: `internal error for token ${fake.apiToken}`, header: `Authorization: Basic ${basic}` },
    });
    const err = await client.workspaces().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 500, code: 'unavailable', retryable: true });
    expect((err as Error).message).toContain('[redacted]');
    expectClean(err);
  });

  it('when the token is refused (401)', async () => {
    const wrongToken = 'wrong-token-0123456789abcdef';
    const wrong = new TogglClient({ apiToken: wrongToken, endpoints: fake.endpoints() });
    fake.server.faults.next({ status: 401, json: `token ${wrongToken} is not valid` });
    const err = await wrong.me().catch((e: unknown) => e);
    expectClean(err, wrongToken);
  });

  it('when /me, which carries the token, has an unexpected shape', async () => {
    fake.server.faults.next({ status: 200, json: { id: 'not-a-number', api_token: fake.apiToken } });
    const err = await client.me().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unexpected_response' });
    expectClean(err);
  });

  it('when Toggl cannot be reached', async () => {
    const url = fake.url;
    await fake.stop();
    const offline = new TogglClient({
      apiToken: fake.apiToken,
      retry: { attempts: 1 },
      endpoints: {
        api: `${url}/api/v9`,
        reports: `${url}/reports/api/v3`,
        webhooks: `${url}/webhooks/api/v1`,
      },
    });
    const err = await offline.me().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'network', retryable: true });
    expectClean(err);
    await fake.start();
  });

  it('when the quota is used up', async () => {
    fake.limits.quotaPerHour = 0;
    const err = await client.me().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'quota_exhausted' });
    expectClean(err);
  });

  it('nor the webhook secret, when Toggl echoes it', async () => {
    const secret = 'whsec-0123456789abcdef0123';
    fake.server.faults.next({ status: 400, json: `secret ${secret} rejected` });
    const err = await client.subscriptions
      .create({ workspaceId: '1', urlCallback: 'https://vahub.example/hooks/toggl', secret })
      .catch((e: unknown) => e);
    expectClean(err);
    expect(exposed(err)).not.toContain(secret);
  });
});

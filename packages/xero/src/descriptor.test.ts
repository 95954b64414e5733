import { ConfigError, MemoryLock, MemoryLogger, MemoryTokenStore, parseConfig } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { XeroInstance } from './connector.js';
import { xeroConnector } from './descriptor.js';
import { CLIENT, configText, contextFrom } from './test-support/harness.js';
import { FakeXero } from './testing/index.js';

const TENANT = 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f';
const CONTACT = '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777';
const valid = configText({ tenantId: TENANT, contactId: CONTACT });
const connectors = [xeroConnector];

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(text, { connectors, env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected the config to be refused');
}

describe('xeroConnector: config', () => {
  it('parses clients[i].xero with its defaults, and leaves it out of a client without one', () => {
    const config = parseConfig(valid, { connectors, env: {} });
    expect(config.clients[0]?.xero).toEqual({
      tenantId: TENANT,
      contactId: CONTACT,
      accountCode: '200',
      taxType: 'OUTPUT',
    });
    const without = parseConfig(valid.replace(/\n {4}xero: .*\n/, '\n'), { connectors, env: {} });
    expect(without.clients[0]?.xero).toBeUndefined();
  });

  it('refuses a bad section with the path and what was expected', () => {
    expect(issuesOf(valid.replace(`contactId: ${CONTACT}`, 'contactId: x717f2bfc'))).toEqual([
      {
        path: 'clients[0].xero.contactId',
        message: 'expected a Xero id (a UUID such as "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777")',
      },
    ]);
    expect(issuesOf(valid.replace('accountCode: "200"', 'accountCode: "12345678901"'))[0]?.path).toBe(
      'clients[0].xero.accountCode',
    );
    const typo = issuesOf(valid.replace('accountCode: "200"', 'accountCode: "200", taxtype: NONE'));
    expect(typo).toEqual([
      { path: 'clients[0].xero', message: 'unknown key "taxtype": remove it or check the spelling' },
    ]);
    expect(issuesOf(valid.replace(/, contactId: [^,]+/, ''))[0]).toMatchObject({
      path: 'clients[0].xero.contactId',
      message: expect.stringMatching(/is required/),
    });
  });

  it('fills every endpoint with Xero’s own URL, overridable in the file and by VAHUB_ENDPOINT_XERO_*', () => {
    expect(parseConfig(valid, { connectors, env: {} }).endpoints.xero).toEqual({
      api: 'https://api.xero.com/api.xro/2.0',
      authorize: 'https://login.xero.com/identity/connect/authorize',
      token: 'https://identity.xero.com/connect/token',
      connections: 'https://api.xero.com/connections',
      revoke: 'https://identity.xero.com/connect/revocation',
    });
    const overridden = parseConfig(
      `${valid}endpoints:\n  xero: { api: "http://127.0.0.1:9/api.xro/2.0" }\n`,
      {
        connectors,
        env: { VAHUB_ENDPOINT_XERO_TOKEN: 'http://127.0.0.1:4000/connect/token' },
      },
    ).endpoints.xero;
    expect(overridden.api).toBe('http://127.0.0.1:9/api.xro/2.0');
    expect(overridden.token).toBe('http://127.0.0.1:4000/connect/token');
    expect(overridden.connections).toBe('https://api.xero.com/connections');
    expect(issuesOf(`${valid}endpoints:\n  xero: { token: "identity.xero" }\n`)[0]).toMatchObject({
      path: 'endpoints.xero.token',
      message: expect.stringMatching(/absolute URL/),
    });
  });

  it('takes the secrets from the conventional variables, or from references in the file, never literally', () => {
    const env = { XERO_CLIENT_ID: 'xid', XERO_CLIENT_SECRET: 'xsecret-1', XERO_WEBHOOK_KEY: 'whk-123456' };
    expect(parseConfig(valid, { connectors, env }).auth.xero).toEqual({
      clientId: 'xid',
      clientSecret: 'xsecret-1',
      webhookKey: 'whk-123456',
    });
    const referenced = `${valid}auth:\n  xero: { clientId: "\${MY_ID}", clientSecret: "\${MY_SECRET}" }\n`;
    expect(
      parseConfig(referenced, { connectors, env: { MY_ID: 'a', MY_SECRET: 'b-secret' } }).auth.xero,
    ).toEqual({ clientId: 'a', clientSecret: 'b-secret' });
    const literal = `${valid}auth:\n  xero: { clientId: "\${MY_ID}", clientSecret: "hunter2-secret" }\n`;
    expect(issuesOf(literal, { MY_ID: 'a' })[0]).toMatchObject({
      path: 'auth.xero.clientSecret',
      message: expect.stringMatching(/secrets may not be written in the config file/),
    });
  });

  it('declares its OAuth as data that names its own endpoints and secrets', () => {
    const { auth, config } = xeroConnector;
    expect(auth.kind).toBe('oauth2');
    if (auth.kind !== 'oauth2') return;
    for (const name of [auth.authorizeEndpoint, auth.tokenEndpoint, auth.revokeEndpoint ?? '']) {
      expect(Object.keys(config.endpoints)).toContain(name);
    }
    expect(Object.keys(config.secrets)).toEqual(
      expect.arrayContaining([auth.clientIdSecret, auth.clientSecretSecret]),
    );
    expect(auth.scopes).toContain('offline_access');
    expect(xeroConnector.serves).toEqual(['invoices']);
  });
});

describe('xeroConnector.create', () => {
  let fake: FakeXero | null = null;
  afterEach(async () => {
    await fake?.stop();
    fake = null;
  });

  async function created(env?: Record<string, string | undefined>): Promise<XeroInstance> {
    fake = new FakeXero({ tenants: [{ tenantId: TENANT }] });
    await fake.start();
    const deps = { tokens: new MemoryTokenStore(), lock: new MemoryLock(), logger: new MemoryLogger() };
    const context = contextFrom({ text: valid, env: env ?? fake.env(), deps });
    return xeroConnector.create(context) as XeroInstance;
  }

  it('builds the invoice port, the webhook receiver and the connect flow without calling Xero', async () => {
    const xero = await created();
    expect(Object.keys(xero.ports)).toEqual(['invoices']);
    expect(xero.webhooks.hooked).toBe(false);
    expect(xero.ports.invoices.target(CLIENT)).toEqual({
      contactId: CONTACT,
      accountCode: '200',
      taxType: 'OUTPUT',
    });
    expect(xero.connect.authorizeUrl({ redirectUri: 'http://127.0.0.1/cb', state: 's' })).toContain(
      `client_id=${fake?.clientId}`,
    );
    expect(fake?.server.requests).toEqual([]);
  });

  it('builds with no secrets at all; what needs one fails naming it', async () => {
    const xero = await created({});
    expect(() => xero.connect.authorizeUrl({ redirectUri: 'http://127.0.0.1/cb', state: 's' })).toThrow(
      /export XERO_CLIENT_ID=/,
    );
    const outcome = await xero.webhooks.receive({ hook: undefined, headers: {}, rawBody: Buffer.from('{}') });
    expect(outcome).toMatchObject({ kind: 'rejected', reply: { status: 401 } });
    expect(outcome.kind === 'rejected' && outcome.reason).toMatch(/XERO_WEBHOOK_KEY/);
    // Nothing stored yet: the port asks for `vahub connect xero`, without having called Xero.
    await expect(xero.ports.invoices.findContact(CLIENT)).rejects.toMatchObject({
      code: 'reconnect_required',
    });
    expect(fake?.server.requests).toEqual([]);
  });

  it('receives webhooks signed with the key from XERO_WEBHOOK_KEY', async () => {
    const xero = await created();
    const body = fake!.webhooks.body([]);
    const receive = (signature: string) =>
      xero.webhooks.receive({
        hook: undefined,
        headers: { 'x-xero-signature': signature },
        rawBody: Buffer.from(body),
      });
    expect(await receive(fake!.webhooks.sign(body))).toMatchObject({ kind: 'handled' });
    expect(await receive(fake!.webhooks.sign(body, 'another-key'))).toMatchObject({
      kind: 'rejected',
      reply: { status: 401, body: '' },
    });
  });

  it('refuses to act for a client it has no section for, naming the client', async () => {
    const xero = await created();
    expect(() => xero.ports.invoices.target('wombat-ltd')).toThrow(/client "wombat-ltd" has no xero section/);
    await expect(xero.ports.invoices.getInvoiceStatus('wombat-ltd', CONTACT)).rejects.toMatchObject({
      code: 'validation',
      retryable: false,
    });
  });
});

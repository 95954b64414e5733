import { ConfigError, type ConfigIssue, isReconnectRequired } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { togglConnector } from './descriptor.js';
import { buildToggl, clientYaml, parseTogglConfig } from './test-support/build.js';
import { FakeToggl, seedScenario } from './testing/index.js';

function issuesOf(clients: string): ConfigIssue[] {
  try {
    parseTogglConfig(clients, {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected the config to be refused');
}

describe('togglConnector: the descriptor', () => {
  it('declares the time port, a token read from TOGGL_API_TOKEN, and Toggl’s three base URLs', () => {
    expect(togglConnector).toMatchObject({
      id: 'toggl',
      serves: ['time'],
      auth: { kind: 'token', secret: 'apiToken' },
      config: {
        endpoints: {
          api: 'https://api.track.toggl.com/api/v9',
          reports: 'https://api.track.toggl.com/reports/api/v3',
          webhooks: 'https://api.track.toggl.com/webhooks/api/v1',
        },
        secrets: { apiToken: { env: 'TOGGL_API_TOKEN' } },
      },
    });
  });

  it('parses clients[i].toggl, and takes the token and endpoint overrides from the environment', () => {
    const config = parseTogglConfig(
      clientYaml('koala', '{ workspaceId: 4242, clientId: 9001 }') +
        clientYaml('thames', '{ workspaceId: 4242, projectIds: [190101, 190102] }'),
      { TOGGL_API_TOKEN: 'tok-from-env-1234', VAHUB_ENDPOINT_TOGGL_REPORTS: 'http://127.0.0.1:9/reports' },
    );
    expect(config.clients.map((c) => c.toggl)).toEqual([
      { workspaceId: 4242, clientId: 9001, projectIds: [] },
      { workspaceId: 4242, projectIds: [190101, 190102] },
    ]);
    expect(config.auth.toggl).toEqual({ apiToken: 'tok-from-env-1234' });
    expect(config.endpoints.toggl).toEqual({
      api: 'https://api.track.toggl.com/api/v9',
      reports: 'http://127.0.0.1:9/reports',
      webhooks: 'https://api.track.toggl.com/webhooks/api/v1',
    });
  });

  it('refuses a bad section with the path and a message that says what to do', () => {
    expect(issuesOf(clientYaml('koala', '{ workspaceId: 4242 }'))).toEqual([
      {
        path: 'clients[0].toggl',
        message: 'give toggl.clientId or toggl.projectIds so vahub knows which time belongs to this client',
      },
    ]);
    const typed = issuesOf(clientYaml('koala', '{ workspaceId: "abc", clientId: 1, wid: 3 }'));
    expect(typed.map((i) => i.path).sort()).toEqual(['clients[0].toggl', 'clients[0].toggl.workspaceId']);
    expect(typed.find((i) => i.path === 'clients[0].toggl')?.message).toMatch(/unknown key "wid"/);
  });

  it('refuses a Toggl project or client mapped to two clients, as core did before', () => {
    const issues = issuesOf(
      clientYaml('koala', '{ workspaceId: 4242, clientId: 9001, projectIds: [7] }') +
        clientYaml('wombat', '{ workspaceId: 4242, clientId: 9001, projectIds: [8, 7] }') +
        clientYaml('elsewhere', '{ workspaceId: 5555, clientId: 9001, projectIds: [7] }'),
    );
    expect(issues).toEqual([
      {
        path: 'clients[1].toggl.projectIds[1]',
        message: 'Toggl project 7 is already mapped to clients[0] (koala): map it to one client only',
      },
      {
        path: 'clients[1].toggl.clientId',
        message: 'Toggl client 9001 is already mapped to clients[0] (koala): map it to one client only',
      },
    ]);
  });
});

describe('togglConnector.create', () => {
  let fake: FakeToggl;

  beforeEach(async () => {
    fake = new FakeToggl();
    await fake.start();
    seedScenario(fake);
  });
  afterEach(() => fake.stop());

  it('builds the time port and the webhook receiver without calling Toggl', () => {
    const toggl = buildToggl(
      parseTogglConfig(clientYaml('koala', '{ workspaceId: 1, clientId: 2 }'), fake.env()),
    );
    expect(Object.keys(toggl.ports)).toEqual(['time']);
    expect(toggl.webhooks?.hooked).toBe(true);
    expect(fake.requests).toHaveLength(0);
  });

  it('builds without a token; the first call fails naming TOGGL_API_TOKEN and sends nothing', async () => {
    const { TOGGL_API_TOKEN: _token, ...endpointsOnly } = fake.env();
    const toggl = buildToggl(
      parseTogglConfig(clientYaml('koala', '{ workspaceId: 1, clientId: 2 }'), endpointsOnly),
    );
    const err = await toggl.ports.time
      .listTimeEntries({ clientId: 'koala', start: '2026-11-01T00:00:00Z', end: '2026-12-01T00:00:00Z' })
      .catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect((err as Error).message).toContain('TOGGL_API_TOKEN');
    expect(fake.requests).toHaveLength(0);
  });
});

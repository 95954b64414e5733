import { mkdtemp, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from '../connector/descriptor.js';
import { ConfigError } from '../errors/errors.js';
import { loadConfig, parseConfig } from './load.js';

// Two toy connectors: core composes whatever the registry hands it, and names no vendor itself.
const notes = defineConnector({
  id: 'notes',
  title: 'Notes',
  serves: ['tasks'],
  config: {
    client: z.strictObject({ boards: z.array(z.string()).min(1) }),
    endpoints: { api: 'https://notes.example/api', token: 'https://notes.example/token' },
    secrets: { token: { env: 'NOTES_TOKEN', description: 'a notes token' } },
    check: (clients) => {
      const seen = new Map<string, number>();
      return clients.flatMap(({ index, section }) =>
        section.boards.flatMap((board, j) => {
          const first = seen.get(board);
          if (first === undefined) {
            seen.set(board, index);
            return [];
          }
          return [
            {
              path: `clients[${index}].notes.boards[${j}]`,
              message: `board ${board} is already clients[${first}]'s`,
            },
          ];
        }),
      );
    },
  },
  auth: { kind: 'token', secret: 'token', howToGet: 'Notes → Settings' },
  create: () => {
    throw new Error('not built in this test');
  },
});

const ledger = defineConnector({
  id: 'ledger-app',
  title: 'Ledger',
  serves: ['invoices'],
  config: {
    client: z.strictObject({ account: z.string() }),
    section: z.strictObject({ region: z.enum(['eu', 'us']) }),
    endpoints: { api: 'https://ledger.example/v2' },
    secrets: {
      clientId: { env: 'LEDGER_ID', description: 'id' },
      webhookKey: { env: 'LEDGER_HOOK', description: 'key', required: false },
    },
  },
  auth: { kind: 'token', secret: 'clientId', howToGet: 'Ledger → Apps' },
  create: () => {
    throw new Error('not built in this test');
  },
});

const connectors = [notes, ledger] as const;

const client = (id: string, board: string) => `
  - id: ${id}
    name: ${id} Ltd
    timezone: Europe/London
    billing: { currency: GBP, hourlyRate: "40.00" }
    notes: { boards: ["${board}"] }
    ledger-app: { account: "200" }`;

const valid = `
va: { timezone: Europe/London, workingHours: { mon-fri: "09:00-17:00" } }
ledger-app: { region: eu }
clients:${client('a', 'b1')}${client('b', 'b2')}
`;

function issuesOf(text: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(text, { connectors, env });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected the config to be refused');
}

describe('config composed from connector descriptors', () => {
  it('types and validates each connector section, and fills endpoint defaults', () => {
    const config = parseConfig(valid, { connectors, env: {} });
    expect(config.clients[0]?.notes?.boards).toEqual(['b1']);
    expect(config.clients[1]?.['ledger-app']?.account).toBe('200');
    expect(config['ledger-app']?.region).toBe('eu');
    expect(config.endpoints.notes).toEqual({
      api: 'https://notes.example/api',
      token: 'https://notes.example/token',
    });
    expect(config.endpoints['ledger-app'].api).toBe('https://ledger.example/v2');
    expect(config.auth).toEqual({});
  });

  it('takes endpoint overrides and secrets from the environment, by the descriptors’ names', () => {
    const config = parseConfig(valid, {
      connectors,
      env: {
        VAHUB_ENDPOINT_LEDGER_APP_API: 'http://127.0.0.1:9/v2',
        NOTES_TOKEN: 'tok-123',
        LEDGER_ID: 'lid',
      },
    });
    expect(config.endpoints['ledger-app'].api).toBe('http://127.0.0.1:9/v2');
    expect(config.auth.notes?.token).toBe('tok-123');
    expect(config.auth['ledger-app']).toEqual({ clientId: 'lid' });
  });

  it('refuses a bad section with its path, runs each connector’s cross-client check, and knows no other vendor', () => {
    const bad = valid.replace('["b2"]', '["b1"]').replace('region: eu', 'region: mars');
    const issues = issuesOf(bad);
    expect(issues.map((i) => i.path)).toEqual(['ledger-app.region']);
    const crossed = issuesOf(valid.replace('["b2"]', '["b1"]'));
    expect(crossed).toEqual([
      { path: 'clients[1].notes.boards[0]', message: "board b1 is already clients[0]'s" },
    ]);
    const foreign = issuesOf(valid.replace('ledger-app: { account: "200" }', 'xero: { account: "200" }'));
    expect(foreign[0]?.message).toMatch(/unknown key "xero"/);
  });

  it('leaves a connector section out of a client that does not use it', () => {
    const config = parseConfig(valid.replace('\n    notes: { boards: ["b2"] }', ''), { connectors, env: {} });
    expect(config.clients[1]?.notes).toBeUndefined();
  });
});

describe('config that guides', () => {
  const withEndpoint = (url: string) => `${valid}endpoints:\n  notes: { api: "${url}" }\n`;

  it('endpoint overrides: https, http only to this machine, no credentials, no other scheme', () => {
    for (const ok of [
      'https://notes.example/api',
      'http://127.0.0.1:9/api',
      'http://localhost:9/',
      'http://[::1]:9/',
    ])
      expect(parseConfig(withEndpoint(ok), { connectors, env: {} }).endpoints.notes.api).toBe(ok);
    const refused: [string, RegExp][] = [
      [
        'http://notes.example/api',
        /plain http: is allowed only to this machine.*use https:\/\/notes\.example\/api/,
      ],
      ['https://me:hunter2-pass@notes.example/api', /user name or password: remove/],
      ['file:///etc/passwd', /scheme "file:" is not allowed/],
      ['javascript:alert(1)', /scheme "javascript:" is not allowed/],
      ['data:text/plain,hi', /scheme "data:" is not allowed/],
      ['notes.example/api', /absolute URL such as "https:\/\/…"/],
    ];
    for (const [url, message] of refused) {
      const issues = issuesOf(withEndpoint(url));
      expect(issues, url).toEqual([{ path: 'endpoints.notes.api', message: expect.stringMatching(message) }]);
    }
    // The password is never repeated.
    const error = (() => {
      try {
        parseConfig(withEndpoint('https://me:hunter2-pass@notes.example/api'), { connectors, env: {} });
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(error).not.toContain('hunter2-pass');
  });

  it('blames an environment override on its variable, not the file', () => {
    const issues = issuesOf(valid, { VAHUB_ENDPOINT_NOTES_TOKEN: 'ftp://notes.example/token' });
    expect(issues).toEqual([
      {
        path: 'VAHUB_ENDPOINT_NOTES_TOKEN (environment)',
        message: expect.stringMatching(
          /scheme "ftp:" is not allowed.*overrides endpoints\.notes\.token of the file: fix or unset VAHUB_ENDPOINT_NOTES_TOKEN/,
        ),
      },
    ]);
  });

  it("never shows zod's own wording or a raw regular expression", () => {
    const strict = defineConnector({
      ...notes,
      config: {
        ...notes.config,
        check: undefined,
        client: z.strictObject({ boards: z.array(z.string().regex(/^b\d$/).min(2)) }),
      },
    });
    const issues = (text: string) => {
      try {
        parseConfig(text, { connectors: [strict, ledger], env: {} });
      } catch (err) {
        return (err as ConfigError).issues.map((i) => i.message);
      }
      return [];
    };
    expect(issues(valid.replace('["b1"]', '["x"]'))).toEqual([
      '"x" is not in the expected form for this field: see the example config',
      'must be at least 2 characters long',
    ]);
    expect(issues(valid.replace('["b1"]', '[""]'))).toContain(
      '"" is not in the expected form for this field: see the example config',
    );
  });

  it('a YAML syntax error carries its line and column', () => {
    expect(issuesOf('va:\n  name: x\nclients: }\n')).toEqual([
      {
        path: '',
        message: 'not valid YAML at line 3, column 10: Unexpected flow-map-end token in YAML stream: "}"',
      },
    ]);
    expect(issuesOf('va:\n  name: x\n\tbad: y\n')[0]?.message).toBe(
      'not valid YAML at line 3, column 1: Tabs are not allowed as indentation',
    );
  });

  it('refuses a device, a folder and a 50 MB file without reading them', async () => {
    const dir = await mkdtemp(join(process.env.TMPDIR ?? '/tmp', 'vahub-config-'));
    // A device that never ends, like a FIFO (the CLI's test makes a real FIFO): refused from its type alone.
    await expect(loadConfig('/dev/zero', { connectors, env: {} })).rejects.toThrow(/not a regular file/);
    const big = join(dir, 'big.yaml');
    await writeFile(big, valid);
    await truncate(big, 50 * 1024 * 1024);
    await expect(loadConfig(big, { connectors, env: {} })).rejects.toThrow(
      /is 51200 KiB; a config is a few KiB \(at most 1024 KiB\): check the path/,
    );
    await expect(loadConfig(dir, { connectors, env: {} })).rejects.toThrow(/not a regular file/);
  });
});

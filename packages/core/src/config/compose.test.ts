import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector } from '../connector/descriptor.js';
import { ConfigError } from '../errors/errors.js';
import { parseConfig } from './load.js';

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

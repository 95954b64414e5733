import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadVahubConfig as loadConfig } from './config.js';

const example = fileURLToPath(new URL('../../../vahub.config.example.yaml', import.meta.url));

describe('vahub.config.example.yaml', () => {
  it('is accepted, with three clients on three continents', async () => {
    const config = await loadConfig(example, { env: {} });
    expect(config.clients.map((c) => [c.id, c.timezone, c.billing.currency])).toEqual([
      ['koala-co', 'Australia/Sydney', 'AUD'],
      ['thames-studio', 'Europe/London', 'GBP'],
      ['hudson-legal', 'America/New_York', 'USD'],
    ]);
    expect(config.va.workingHours.fri).toEqual([{ startMinute: 510, endMinute: 780 }]);
    expect(config.va.workingHours.sat).toEqual([]);
    expect(config.endpoints.xero.token).toBe('https://identity.xero.com/connect/token');
  });

  it('takes endpoint overrides from the environment', async () => {
    const config = await loadConfig(example, {
      env: { VAHUB_ENDPOINT_XERO_TOKEN: 'http://127.0.0.1:4000/connect/token' },
    });
    expect(config.endpoints.xero.token).toBe('http://127.0.0.1:4000/connect/token');
    expect(config.endpoints.xero.api).toBe('https://api.xero.com/api.xro/2.0');
  });
});

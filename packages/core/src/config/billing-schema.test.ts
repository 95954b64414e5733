import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/errors.js';
import { billingSchema } from './billing-schema.js';
import { parseConfig } from './load.js';

// Billing settings `vahub check` refuses before anything is sent (issue 13).

const config = (billing: string) => `
va:
  timezone: Europe/Budapest
  workingHours: { mon-fri: "09:00-17:00" }
clients:
  - id: koala-co
    name: Koala Co
    timezone: Australia/Sydney
    billing: ${billing}
`;

function issuesOf(billing: string) {
  try {
    // Billing is core's own section: no connector is needed to check it.
    parseConfig(config(billing), { connectors: [], env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).issues;
  }
  throw new Error('expected the config to be refused');
}

const LIMIT = '99999999999.9999';

describe('billing settings', () => {
  it('refuses a rate too large for an invoice, naming the limit', () => {
    const tooLarge = `is more than ${LIMIT}, the largest amount an invoice carries exactly: check for a typo`;
    expect(issuesOf('{ currency: AUD, hourlyRate: 1e25 }')).toEqual([
      { path: 'clients[0].billing.hourlyRate', message: `1e+25 ${tooLarge}` },
    ]);
    expect(issuesOf('{ currency: AUD, hourlyRate: "10000000000000000000000000" }')).toEqual([
      { path: 'clients[0].billing.hourlyRate', message: `10000000000000000000000000 ${tooLarge}` },
    ]);
    expect(
      issuesOf(
        '{ currency: AUD, hourlyRate: "55", projectRates: { "1": "100000000000" }, retainer: { hours: 1e12, amount: "1e25" } }',
      ).map((i) => i.path),
    ).toEqual([
      'clients[0].billing.projectRates.1',
      'clients[0].billing.retainer.hours',
      'clients[0].billing.retainer.amount',
    ]);
    expect(billingSchema.parse({ currency: 'AUD', hourlyRate: LIMIT }).hourlyRate).toBe(LIMIT);
  });

  it('wants a retainer fee in what the invoice holds of the currency', () => {
    expect(
      issuesOf('{ currency: JPY, hourlyRate: "4500", retainer: { hours: 10, amount: "50000.5" } }'),
    ).toEqual([
      {
        path: 'clients[0].billing.retainer.amount',
        message: 'JPY has no minor unit: write the retainer fee in whole JPY, got "50000.5"',
      },
    ]);
    expect(
      issuesOf('{ currency: KWD, hourlyRate: "40.125", retainer: { hours: 10, amount: "400.125" } }'),
    ).toEqual([
      {
        path: 'clients[0].billing.retainer.amount',
        message: 'an invoice holds KWD to 2 decimals: write the retainer fee with at most 2, got "400.125"',
      },
    ]);
    // Trailing zeros are no decimals; rates keep 4 decimals in any currency.
    const ok = billingSchema.parse({
      currency: 'JPY',
      hourlyRate: '4500.5',
      retainer: { hours: 10, amount: '50000.00' },
    });
    expect(ok.retainer?.amount).toBe('50000.00');
  });

  it('caps rollover only with rollover on, and defaults overlaps to bill-once', () => {
    expect(
      issuesOf(
        '{ currency: AUD, hourlyRate: "55", retainer: { hours: 10, amount: "500", maxCarryOverHours: 5 } }',
      ),
    ).toEqual([
      {
        path: 'clients[0].billing.retainer.maxCarryOverHours',
        message: 'maxCarryOverHours only applies with rollover: true: add rollover: true or remove the cap',
      },
    ]);
    const parsed = billingSchema.parse({
      currency: 'AUD',
      hourlyRate: '55',
      retainer: { hours: 10, amount: '500', rollover: true, maxCarryOverHours: 5 },
    });
    expect(parsed.retainer?.maxCarryOverHours).toBe(5);
    expect(parsed.overlaps).toBe('bill-once');
    expect(issuesOf('{ currency: AUD, hourlyRate: "55", overlaps: ignore }')[0]?.path).toBe(
      'clients[0].billing.overlaps',
    );
  });
});

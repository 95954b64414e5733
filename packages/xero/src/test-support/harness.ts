import {
  dec,
  type InvoiceDraft,
  type InvoiceLine,
  invoiceIdempotencyKey,
  type Lock,
  MemoryLock,
  MemoryTokenStore,
  roundTo,
  sum,
  type TokenStore,
} from '@vahub/core';
import type { XeroLogEvent } from '../accounting-client.js';
import { XeroConnector, type XeroConnectorOptions } from '../connector.js';
import { FakeXero, type FakeXeroOptions } from '../testing/index.js';

/** A clock tests move by hand; shared by the fake and the connector. */
export class TestClock {
  constructor(public t = Date.UTC(2026, 10, 28, 9, 0, 0)) {}
  now = (): number => this.t;
  /** A `sleep` that moves the clock instead of waiting, and remembers what it was asked. */
  readonly slept: number[] = [];
  sleep = async (ms: number): Promise<void> => {
    this.slept.push(ms);
    this.t += ms;
  };
}

export interface Harness {
  fake: FakeXero;
  store: MemoryTokenStore;
  lock: MemoryLock;
  connector: XeroConnector;
  tenantId: string;
  logs: XeroLogEvent[];
  /** The grant's first tokens, as Xero answered them. */
  initial: { accessToken: string; refreshToken: string };
  connectorWith(
    overrides?: Partial<XeroConnectorOptions> & { tokenStore?: TokenStore; lock?: Lock },
  ): XeroConnector;
  stop(): Promise<void>;
}

/** Start a fake Xero with one connected organisation and a connector on a memory store. */
export async function startHarness(
  options: { fake?: FakeXeroOptions; connector?: Partial<XeroConnectorOptions>; clock?: TestClock } = {},
): Promise<Harness> {
  const now = options.clock?.now ?? Date.now;
  const fake = new FakeXero({ now, ...options.fake });
  await fake.start();
  const store = new MemoryTokenStore();
  const lock = new MemoryLock();
  const granted = fake.grant();
  await store.set('xero', {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: now() + granted.expires_in * 1000,
  });
  const logs: XeroLogEvent[] = [];
  const connectorWith: Harness['connectorWith'] = (overrides = {}) =>
    new XeroConnector({
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      endpoints: fake.endpoints,
      tokenStore: store,
      lock,
      now,
      sleep: options.clock?.sleep,
      log: (e) => logs.push(e),
      ...options.connector,
      ...overrides,
    });
  return {
    fake,
    store,
    lock,
    connector: connectorWith(),
    tenantId: fake.tenantId,
    logs,
    initial: { accessToken: granted.access_token, refreshToken: granted.refresh_token ?? '' },
    connectorWith,
    stop: () => fake.stop(),
  };
}

export interface LineSpec {
  quantity: string;
  unitAmount: string;
  accountCode?: string;
  taxType?: string;
  description?: string;
}

/** A draft whose line amounts and subtotal follow Xero's rule (quantity × unit amount, half-up, 2 decimals). */
export function draftOf(input: {
  contactId: string;
  lines: LineSpec[];
  currency?: string;
  lineAmountTypes?: InvoiceDraft['lineAmountTypes'];
  period?: string;
  clientId?: string;
}): InvoiceDraft {
  const period = input.period ?? '2026-11';
  const clientId = input.clientId ?? 'koala-co';
  const lines: InvoiceLine[] = input.lines.map((l, i) => ({
    description: l.description ?? `Support work ${i + 1}`,
    quantity: l.quantity,
    unitAmount: l.unitAmount,
    lineAmount: roundTo(dec(l.quantity).times(dec(l.unitAmount)), 2, 'half-up').toFixed(2),
    accountCode: l.accountCode ?? '200',
    taxType: l.taxType ?? 'OUTPUT',
    entryIds: [`${period}-${i}`],
  }));
  const entryIds = lines.flatMap((l) => l.entryIds);
  return {
    clientId,
    contactId: input.contactId,
    currency: input.currency ?? 'AUD',
    date: '2026-11-30',
    dueDate: '2026-12-15',
    reference: `vahub ${clientId} ${period}`,
    lineAmountTypes: input.lineAmountTypes ?? 'Exclusive',
    lines,
    subtotal: sum(lines.map((l) => l.lineAmount)).toFixed(2),
    entryIds,
    idempotencyKey: invoiceIdempotencyKey(clientId, period, entryIds),
    period: { firstDate: `${period}-01`, lastDate: `${period}-30`, zone: 'Australia/Sydney' },
  };
}

/** The numeric literals of `key` in a raw JSON body, exactly as written on the wire. */
export function rawNumbers(body: string, key: string): string[] {
  const pattern = new RegExp(`"${key}":(-?[0-9.eE+-]+)`, 'g');
  return [...body.matchAll(pattern)].map((m) => m[1] ?? '');
}

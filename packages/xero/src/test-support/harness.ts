import {
  type ConnectorContext,
  type ConnectorDeps,
  dec,
  type InvoiceDraft,
  type InvoiceLine,
  invoiceIdempotencyKey,
  MemoryLock,
  MemoryLogger,
  MemoryTokenStore,
  parseConfig,
  roundTo,
  sum,
} from '@vahub/core';
import type { XeroAccounting } from '../accounting.js';
import type { XeroClientSection } from '../config.js';
import type { XeroConnect } from '../connect.js';
import { createXero, type XeroInstance, type XeroTuning } from '../connector.js';
import { xeroConnector } from '../descriptor.js';
import type { XeroInvoiceSink } from '../invoice-sink.js';
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

/** The vahub client every harness configures, mapped to the fake's first organisation. */
export const CLIENT = 'koala-co';

/** A config with one client whose invoices go to `tenantId` / `contactId`, as the VA would write it. */
export function configText(input: { tenantId: string; contactId: string; extra?: string }): string {
  return `
va: { timezone: Australia/Sydney, workingHours: { mon-fri: "09:00-17:00" } }
clients:
  - id: ${CLIENT}
    name: Koala Co Pty Ltd
    timezone: Australia/Sydney
    billing: { currency: AUD, hourlyRate: "55.00" }
    xero: { tenantId: ${input.tenantId}, contactId: ${input.contactId}, accountCode: "200" }
${input.extra ?? ''}`;
}

/**
 * The connector's context the way the registry builds it: the config parsed with the descriptor's
 * sections, secrets and endpoints taken from `env` (the fake's variables by default).
 */
export function contextFrom(input: {
  text: string;
  env: Record<string, string | undefined>;
  deps: ConnectorDeps;
}): ConnectorContext<XeroClientSection, undefined> {
  const config = parseConfig(input.text, { connectors: [xeroConnector], env: input.env });
  return {
    va: config.va,
    calendar: config.calendar,
    clients: config.clients.flatMap(({ xero, ...client }) => (xero ? [{ client, section: xero }] : [])),
    section: undefined,
    endpoints: config.endpoints.xero,
    secrets: config.auth.xero ?? {},
    deps: input.deps,
  };
}

export interface Harness {
  fake: FakeXero;
  store: MemoryTokenStore;
  lock: MemoryLock;
  logger: MemoryLogger;
  xero: XeroInstance;
  /** The invoice port, by vahub client (`CLIENT`). */
  invoices: XeroInvoiceSink;
  /** Tenant-level calls. */
  accounting: XeroAccounting;
  connect: XeroConnect;
  tenantId: string;
  /** The configured client's contact in the fake. */
  contactId: string;
  /** The grant's first tokens, as Xero answered them. */
  initial: { accessToken: string; refreshToken: string };
  /** Another connector on the same fake (and, unless overridden, the same store and lock). */
  build(overrides?: {
    tuning?: XeroTuning;
    deps?: Partial<ConnectorDeps>;
    env?: Record<string, string | undefined>;
  }): XeroInstance;
  /** Another installation trades the refresh token: ours dies (Xero rotates). Its new access token. */
  refreshElsewhere(refreshToken: string): Promise<{ accessToken: string }>;
  stop(): Promise<void>;
}

/** Start a fake Xero with one connected organisation and a connector built from config on a memory store. */
export async function startHarness(
  options: {
    fake?: FakeXeroOptions;
    tuning?: XeroTuning;
    clock?: TestClock;
    /** More of the config after the first client (more clients), given the fake's ids. */
    extra?: (ids: { tenantId: string; contactId: string }) => string;
  } = {},
): Promise<Harness> {
  const now = options.clock?.now ?? Date.now;
  const fake = new FakeXero({ now, ...options.fake });
  await fake.start();
  const store = new MemoryTokenStore();
  const lock = new MemoryLock();
  const logger = new MemoryLogger();
  const granted = fake.grant();
  await store.set('xero', {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: now() + granted.expires_in * 1000,
  });
  const contactId = fake.addContact({
    name: 'Harness Client Pty Ltd',
    email: 'ap@harness.example',
  }).ContactID;
  const ids = { tenantId: fake.tenantId, contactId };
  const text = configText({ ...ids, extra: options.extra?.(ids) });
  const build: Harness['build'] = (overrides = {}) =>
    createXero(
      contextFrom({
        text,
        env: { ...fake.env(), ...overrides.env },
        deps: { tokens: store, lock, logger, now, sleep: options.clock?.sleep, ...overrides.deps },
      }),
      { ...options.tuning, ...overrides.tuning },
    );
  const xero = build();
  return {
    fake,
    store,
    lock,
    logger,
    xero,
    invoices: xero.ports.invoices,
    accounting: xero.accounting,
    connect: xero.connect,
    tenantId: fake.tenantId,
    contactId,
    initial: { accessToken: granted.access_token, refreshToken: granted.refresh_token ?? '' },
    build,
    refreshElsewhere: async (refreshToken) => {
      const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64');
      const res = await fetch(fake.endpoints().token, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}` },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      });
      if (!res.ok) throw new Error(`the other installation's refresh failed: HTTP ${res.status}`);
      return { accessToken: ((await res.json()) as { access_token: string }).access_token };
    },
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
  const clientId = input.clientId ?? CLIENT;
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

// Shared by the flow tests: the four fakes, the real connectors pointed at them, and a config.
import { FakeAsana } from '@vahub/asana/testing';
import {
  type CalendarPort,
  type ClientConfig,
  type ConnectorDeps,
  type InvoiceSink,
  MemoryLock,
  MemoryStateStore,
  MemoryTokenStore,
  type OAuthTokenSet,
  type Period,
  periodContaining,
  silentLogger,
  type TaskSource,
  Temporal,
  type TimeSource,
} from '@vahub/core';
import { FakeGoogle, type StoredEvent } from '@vahub/google-calendar/testing';
import { buildConnectors, type Config, parseVahubConfig } from '@vahub/registry';
import { fakesEnv } from '@vahub/testkit';
import { FakeToggl } from '@vahub/toggl/testing';
import { FakeXero } from '@vahub/xero/testing';

export const TENANT = 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f';
export const KOALA_CONTACT = '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777';
export const THAMES_CONTACT = '2f3b0f55-6b6d-4a4b-9f4e-1f2a3b4c5d6e';
export const KOALA_PROJECT = '1207000000000001';
export const THAMES_PROJECT = '1207000000000002';
/** Monday 7 December 2026, 09:00 in Budapest. */
export const NOW = '2026-12-07T08:00:00Z';
export const BUFFER_MS = 10 * 60_000;

const KOALA_TOGGL = 'toggl: { workspaceId: 4242, clientId: 9001 }';

export const CONFIG = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
calendar: { bufferMinutes: 10, minBlockMinutes: 30, maxBlockMinutes: 120, horizonDays: 7, earliestStartMinutes: 15 }
clients:
  - id: koala-co
    name: Koala Co
    timezone: Australia/Sydney
    asana: { projects: ["${KOALA_PROJECT}"] }
    ${KOALA_TOGGL}
    billing: { currency: AUD, hourlyRate: "50.00", rounding: { minutes: 15, mode: up }, retainer: { hours: 2, amount: "100.00" } }
    xero: { tenantId: ${TENANT}, contactId: ${KOALA_CONTACT}, accountCode: "200", taxType: OUTPUT }
  - id: thames-studio
    name: Thames Studio
    timezone: Europe/London
    asana: { projects: ["${THAMES_PROJECT}"] }
    toggl: { workspaceId: 4242, projectIds: [190101] }
    billing: { currency: AUD, hourlyRate: "40.00" }
    xero: { tenantId: ${TENANT}, contactId: ${THAMES_CONTACT}, accountCode: "200", taxType: NONE }
auth:
  asana: { token: "\${ASANA_TOKEN}" }
  toggl: { apiToken: "\${TOGGL_API_TOKEN}" }
  google: { clientId: "\${GOOGLE_CLIENT_ID}", clientSecret: "\${GOOGLE_CLIENT_SECRET}" }
  xero: { clientId: "\${XERO_CLIENT_ID}", clientSecret: "\${XERO_CLIENT_SECRET}" }
`;

/** The config with tracked time: Koala's is matched to its tasks, Thames's is not (it stays unknown). */
export const TRACKED_CONFIG = CONFIG.replace(
  KOALA_TOGGL,
  'toggl: { workspaceId: 4242, clientId: 9001, trackedTime: {} }',
);

export interface World {
  asana: FakeAsana;
  google: FakeGoogle;
  toggl: FakeToggl;
  xero: FakeXero;
  config: Config;
  tasks: TaskSource;
  calendar: CalendarPort;
  time: TimeSource;
  invoices: InvoiceSink;
  vaGid: string;
  estimateGid: string;
  /** Stops the four fakes. */
  stop(): Promise<void>;
}

/** The fakes and the connectors built from `configText` (the config above unless a test varies it). */
export async function startWorld(
  configText = CONFIG,
  deps: Partial<Pick<ConnectorDeps, 'tokens' | 'logger'>> = {},
): Promise<World> {
  const asana = new FakeAsana();
  const google = new FakeGoogle();
  const toggl = new FakeToggl();
  const xero = new FakeXero({ tenants: [{ tenantId: TENANT, taxRates: { OUTPUT: '10', NONE: '0' } }] });
  await Promise.all([asana.start(), google.start(), toggl.start(), xero.start()]);
  const token = 'va-personal-access-token';
  const va = asana.addUser({ name: 'Vera VA', token });
  asana.addUser({ name: 'Someone Else', token: 'other-token' });
  asana.addProject({ gid: KOALA_PROJECT, name: 'Koala' });
  asana.addProject({ gid: THAMES_PROJECT, name: 'Thames' });
  const estimate = asana.addCustomField({ name: 'Estimated time' });
  // Grants as if the VA had connected (the connect flows themselves run in the demo test).
  const store = deps.tokens ?? new MemoryTokenStore();
  const lock = new MemoryLock();
  await store.set('google', google.issueGrant());
  await store.set('xero', xeroGrant(xero));
  addContact(xero, KOALA_CONTACT, 'Koala Co');
  addContact(xero, THAMES_CONTACT, 'Thames Studio');
  toggl.addWorkspace({ id: 4242 });
  toggl.addClient(4242, { id: 9001, name: 'Koala Co' });
  toggl.addProject(4242, { id: 190001, client_id: 9001, name: 'Social media' });
  toggl.addProject(4242, { id: 190101, name: 'Portfolio' });
  toggl.addProject(4242, { id: 190199, name: 'Someone else’s project' });
  // The environment vahub would run with against these fakes; Asana's token is the first user's.
  const config = parseVahubConfig(configText, { env: fakesEnv([asana, google, toggl, xero]) });
  const { ports } = buildConnectors(config, {
    tokens: store,
    lock,
    logger: deps.logger ?? silentLogger,
    state: new MemoryStateStore(),
    // Retry waits pass at once: the tests count requests, not seconds.
    sleep: async () => undefined,
  });
  return {
    asana,
    google,
    toggl,
    xero,
    config,
    tasks: ports.tasks,
    calendar: ports.calendar,
    time: ports.time,
    invoices: ports.invoices,
    vaGid: va.gid,
    estimateGid: estimate.gid,
    stop: async () => {
      await Promise.all([asana.stop(), google.stop(), toggl.stop(), xero.stop()]);
    },
  };
}

/** The fake Xero's grant as the token store keeps it, as if the VA had connected. */
export function xeroGrant(xero: FakeXero): OAuthTokenSet {
  const granted = xero.grant();
  return {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: Date.now() + granted.expires_in * 1000,
  };
}

/** A Xero contact with a known id, in the world's organisation. */
export function addContact(xero: FakeXero, contactId: string, name: string): void {
  const tenant = xero.tenants.get(TENANT)!;
  const contact = xero.addContact({ name });
  tenant.contacts.delete(contact.ContactID);
  tenant.contacts.set(contactId, { ...contact, ContactID: contactId });
}

export const budapest = (local: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime('Europe/Budapest').epochMilliseconds;
export const blocksIn = (google: FakeGoogle): StoredEvent[] =>
  google
    .events('primary')
    .filter((e) => e.json.status !== 'cancelled')
    .filter(
      (e) =>
        (e.json.extendedProperties as { private?: Record<string, string> } | undefined)?.private
          ?.vahubBlock === '1',
    );
export const calendarWrites = (google: FakeGoogle) =>
  google.apiRequests().filter((r) => r.method !== 'GET' && r.path.includes('/events')).length;
/** The task a vahub block on the calendar was booked for. */
export const taskOf = (e: { json: Record<string, unknown> }) =>
  (e.json.extendedProperties as { private: Record<string, string> }).private.vahubTask;

/** The month of `yyyyMm` (e.g. '2026-11') in `zone`. */
export const monthOf = (yyyyMm: string, zone: string): Period =>
  periodContaining('month', Date.parse(`${yyyyMm}-15T12:00:00Z`), zone);
export const clientOf = (w: World, id: string): ClientConfig => w.config.clients.find((c) => c.id === id)!;
/** The tags Toggl holds on entry `id`. */
export const entryTags = (w: World, id: number) => w.toggl.store.entries.get(id)?.tags ?? [];

export interface EntryOptions {
  billable?: boolean;
  running?: boolean;
}
/** A Toggl entry of `minutes` from the `local` time in `zone`: billable unless said, running with no stop. */
export function addEntry(
  w: World,
  project: number,
  local: string,
  zone: string,
  minutes: number,
  extra: EntryOptions = {},
) {
  const start = Temporal.PlainDateTime.from(local).toZonedDateTime(zone).epochMilliseconds;
  return w.toggl.addEntry({
    workspace_id: 4242,
    project_id: project,
    description: `work on ${local}`,
    start,
    stop: extra.running ? null : start + minutes * 60_000,
    billable: extra.billable ?? true,
  });
}

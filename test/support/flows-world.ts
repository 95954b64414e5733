// Shared by the flow tests: the four fakes, the real connectors pointed at them, and a config.
import { AsanaClient, AsanaTaskSource } from '@vahub/asana';
import { FakeAsana } from '@vahub/asana/testing';
import { MemoryLock, MemoryTokenStore, parseConfig, Temporal, type VahubConfig } from '@vahub/core';
import { createGoogleCalendar, type GoogleCalendar } from '@vahub/google-calendar';
import { FakeGoogle, type StoredEvent } from '@vahub/google-calendar/testing';
import { TogglClient, TogglTimeSource } from '@vahub/toggl';
import { FakeToggl } from '@vahub/toggl/testing';
import { XeroConnector } from '@vahub/xero';
import { FakeXero } from '@vahub/xero/testing';

export const TENANT = 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f';
export const KOALA_CONTACT = '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777';
export const THAMES_CONTACT = '2f3b0f55-6b6d-4a4b-9f4e-1f2a3b4c5d6e';
export const KOALA_PROJECT = '1207000000000001';
export const THAMES_PROJECT = '1207000000000002';
/** Monday 7 December 2026, 09:00 in Budapest. */
export const NOW = '2026-12-07T08:00:00Z';
export const BUFFER_MS = 10 * 60_000;

export const CONFIG = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
calendar: { bufferMinutes: 10, minBlockMinutes: 30, maxBlockMinutes: 120, horizonDays: 7, earliestStartMinutes: 15 }
clients:
  - id: koala-co
    name: Koala Co
    timezone: Australia/Sydney
    asana: { projects: ["${KOALA_PROJECT}"] }
    toggl: { workspaceId: 4242, clientId: 9001 }
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

export interface World {
  asana: FakeAsana;
  google: FakeGoogle;
  toggl: FakeToggl;
  xero: FakeXero;
  config: VahubConfig;
  tasks: AsanaTaskSource;
  calendar: GoogleCalendar;
  time: TogglTimeSource;
  invoices: XeroConnector;
  vaGid: string;
  estimateGid: string;
}

export async function startWorld(): Promise<World> {
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
  const g = google.endpoints();
  const x = xero.endpoints;
  const config = parseConfig(CONFIG, {
    env: {
      ASANA_TOKEN: token,
      TOGGL_API_TOKEN: toggl.apiToken,
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_CLIENT_SECRET: google.clientSecret,
      XERO_CLIENT_ID: xero.clientId,
      XERO_CLIENT_SECRET: xero.clientSecret,
      VAHUB_ENDPOINT_ASANA_API: asana.apiUrl,
      VAHUB_ENDPOINT_TOGGL_API: toggl.endpoints.api,
      VAHUB_ENDPOINT_TOGGL_REPORTS: toggl.endpoints.reports,
      VAHUB_ENDPOINT_GOOGLE_API: g.api,
      VAHUB_ENDPOINT_GOOGLE_TOKEN: g.token,
      VAHUB_ENDPOINT_XERO_API: x.api,
      VAHUB_ENDPOINT_XERO_TOKEN: x.token,
      VAHUB_ENDPOINT_XERO_CONNECTIONS: x.connections,
    },
  });
  // Grants as if the VA had connected (the connect flows themselves run in the demo test).
  const store = new MemoryTokenStore();
  const lock = new MemoryLock();
  await store.set('google', google.issueGrant());
  const granted = xero.grant();
  await store.set('xero', {
    accessToken: granted.access_token,
    refreshToken: granted.refresh_token ?? null,
    expiresAt: Date.now() + granted.expires_in * 1000,
  });
  for (const [contactId, name] of [
    [KOALA_CONTACT, 'Koala Co'],
    [THAMES_CONTACT, 'Thames Studio'],
  ] as const) {
    const tenant = xero.tenants.get(TENANT)!;
    const contact = xero.addContact({ name });
    tenant.contacts.delete(contact.ContactID);
    tenant.contacts.set(contactId, { ...contact, ContactID: contactId });
  }
  toggl.addWorkspace({ id: 4242 });
  toggl.addClient(4242, { id: 9001, name: 'Koala Co' });
  toggl.addProject(4242, { id: 190001, client_id: 9001, name: 'Social media' });
  toggl.addProject(4242, { id: 190101, name: 'Portfolio' });
  toggl.addProject(4242, { id: 190199, name: 'Someone else’s project' });
  const togglClient = TogglClient.fromConfig(config);
  return {
    asana,
    google,
    toggl,
    xero,
    config,
    tasks: new AsanaTaskSource({
      client: new AsanaClient({ token, baseUrl: config.endpoints.asana.api }),
      clients: config.clients,
    }),
    calendar: createGoogleCalendar({ config, store, lock }).calendar,
    time: new TogglTimeSource(togglClient),
    invoices: XeroConnector.fromConfig(config, { tokenStore: store, lock }),
    vaGid: va.gid,
    estimateGid: estimate.gid,
  };
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

import { FakeAsana } from '@vahub/asana/testing';
import { FakeGoogle } from '@vahub/google-calendar/testing';
import { FakeToggl } from '@vahub/toggl/testing';
import { FakeXero } from '@vahub/xero/testing';
import { DEMO_ASANA_TOKEN } from './seed-asana.js';
import { DEMO_XERO_TENANTS } from './seed-xero.js';

/** The four vendors, each a local fake on 127.0.0.1 that the real connectors and SDKs talk to. */
export interface DemoFakes {
  asana: FakeAsana;
  google: FakeGoogle;
  toggl: FakeToggl;
  xero: FakeXero;
}

export async function startFakes(): Promise<DemoFakes> {
  const fakes: DemoFakes = {
    asana: new FakeAsana(),
    google: new FakeGoogle({ timeZone: 'Europe/Budapest', account: 'reka@example.com' }),
    toggl: new FakeToggl(),
    xero: new FakeXero({ tenants: DEMO_XERO_TENANTS }),
  };
  const started = await Promise.allSettled([
    fakes.asana.start(),
    fakes.google.start(),
    fakes.toggl.start(),
    fakes.xero.start(),
  ]);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await stopFakes(fakes);
    throw failed.reason;
  }
  return fakes;
}

/** Stop every fake, also the ones that never started; the first failure is rethrown after all stopped. */
export async function stopFakes(fakes: DemoFakes): Promise<void> {
  const stopped = await Promise.allSettled([
    fakes.asana.stop(),
    fakes.google.stop(),
    fakes.toggl.stop(),
    fakes.xero.stop(),
  ]);
  const failed = stopped.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The environment vahub would run with: credentials for the fakes and `VAHUB_ENDPOINT_*` overrides
 * that point every outbound URL (APIs and OAuth) at them. The config file itself stays untouched.
 */
export function demoEnv(fakes: DemoFakes): Record<string, string> {
  const google = fakes.google.endpoints();
  const toggl = fakes.toggl.endpoints;
  const xero = fakes.xero.endpoints;
  return {
    ASANA_TOKEN: DEMO_ASANA_TOKEN,
    TOGGL_API_TOKEN: fakes.toggl.apiToken,
    GOOGLE_CLIENT_ID: fakes.google.clientId,
    GOOGLE_CLIENT_SECRET: fakes.google.clientSecret,
    XERO_CLIENT_ID: fakes.xero.clientId,
    XERO_CLIENT_SECRET: fakes.xero.clientSecret,
    VAHUB_ENDPOINT_ASANA_API: fakes.asana.apiUrl,
    VAHUB_ENDPOINT_TOGGL_API: toggl.api,
    VAHUB_ENDPOINT_TOGGL_REPORTS: toggl.reports,
    VAHUB_ENDPOINT_TOGGL_WEBHOOKS: toggl.webhooks,
    VAHUB_ENDPOINT_GOOGLE_API: google.api,
    VAHUB_ENDPOINT_GOOGLE_AUTHORIZE: google.authorize,
    VAHUB_ENDPOINT_GOOGLE_TOKEN: google.token,
    VAHUB_ENDPOINT_GOOGLE_REVOKE: google.revoke,
    VAHUB_ENDPOINT_XERO_API: xero.api,
    VAHUB_ENDPOINT_XERO_AUTHORIZE: xero.authorize,
    VAHUB_ENDPOINT_XERO_TOKEN: xero.token,
    VAHUB_ENDPOINT_XERO_CONNECTIONS: xero.connections,
    VAHUB_ENDPOINT_XERO_REVOKE: xero.revoke,
  };
}

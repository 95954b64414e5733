import { FakeAsana } from '@vahub/asana/testing';
import { FakeGoogle } from '@vahub/google-calendar/testing';
import { fakesEnv, startFakes as startVendorFakes, stopFakes as stopVendorFakes } from '@vahub/testkit';
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

const all = (fakes: DemoFakes) => [fakes.asana, fakes.google, fakes.toggl, fakes.xero];

export async function startFakes(): Promise<DemoFakes> {
  const fakes: DemoFakes = {
    asana: new FakeAsana(),
    google: new FakeGoogle({ timeZone: 'Europe/Budapest', account: 'reka@example.com' }),
    toggl: new FakeToggl(),
    xero: new FakeXero({ tenants: DEMO_XERO_TENANTS }),
  };
  await startVendorFakes(all(fakes));
  return fakes;
}

/** Stop every fake, also the ones that never started; the first failure is rethrown after all stopped. */
export function stopFakes(fakes: DemoFakes): Promise<void> {
  return stopVendorFakes(all(fakes));
}

/**
 * The environment vahub would run with: credentials for the fakes and `VAHUB_ENDPOINT_*` overrides
 * that point every outbound URL (APIs and OAuth) at them. The config file itself stays untouched.
 */
export function demoEnv(fakes: DemoFakes): Record<string, string> {
  // The VA's Asana token is seeded after this, so it is named here rather than read from the fake.
  return { ...fakesEnv(all(fakes)), ASANA_TOKEN: DEMO_ASANA_TOKEN };
}

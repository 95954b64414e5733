// What the service world's fakes hold and its config names: the default two clients (Koala, Thames),
// or another seed, plus any number of extra clients billed in the same Xero organisation.
import type { FakeAsana } from '@vahub/asana/testing';
import type { FakeToggl } from '@vahub/toggl/testing';
import type { FakeXero } from '@vahub/xero/testing';
import {
  addContact,
  CONFIG,
  KOALA_CONTACT,
  KOALA_PROJECT,
  TENANT,
  THAMES_CONTACT,
  THAMES_PROJECT,
} from './flows-world.js';

/** The people and projects in the fakes, for a world with another config than the default two clients. */
export interface WorldSeed {
  config: string;
  /** The Asana projects to register webhooks for. */
  projects: string[];
  /** Fill the fakes (projects, contacts, Toggl clients) the config names. */
  seed(fakes: { asana: FakeAsana; toggl: FakeToggl; xero: FakeXero }): void;
}

export const DEFAULT_SEED: WorldSeed = {
  config: CONFIG,
  projects: [KOALA_PROJECT, THAMES_PROJECT],
  seed({ asana, toggl, xero }) {
    asana.addProject({ gid: KOALA_PROJECT, name: 'Koala' });
    asana.addProject({ gid: THAMES_PROJECT, name: 'Thames' });
    for (const [contactId, name] of [
      [KOALA_CONTACT, 'Koala Co'],
      [THAMES_CONTACT, 'Thames Studio'],
    ] as const) {
      addContact(xero, contactId, name);
    }
    toggl.addWorkspace({ id: 4242 });
    toggl.addClient(4242, { id: 9001, name: 'Koala Co' });
    toggl.addProject(4242, { id: 190001, client_id: 9001, name: 'Social media' });
    toggl.addProject(4242, { id: 190101, name: 'Portfolio' });
  },
};

/** The Toggl project of extra client `i` (workspace 4242). */
export const extraClientProject = (i: number) => 190_200 + i;

/**
 * `config` with `count` more clients (`extra-0`, `extra-1`, …), each with a Xero contact and a Toggl
 * project of its own in the fakes, and no task app.
 */
export function withExtraClients(
  config: string,
  count: number,
  fakes: { toggl: FakeToggl; xero: FakeXero },
): string {
  const extras = Array.from({ length: count }, (_, i) => {
    const contact = fakes.xero.addContact({ name: `Extra ${i}` });
    fakes.toggl.addProject(4242, { id: extraClientProject(i), name: `Extra ${i} work` });
    return [
      `  - id: extra-${i}`,
      `    name: Extra ${i}`,
      '    timezone: Australia/Sydney',
      `    toggl: { workspaceId: 4242, projectIds: [${extraClientProject(i)}] }`,
      '    billing: { currency: AUD, hourlyRate: "30.00" }',
      `    xero: { tenantId: ${TENANT}, contactId: ${contact.ContactID}, accountCode: "200", taxType: NONE }`,
    ].join('\n');
  });
  return extras.length === 0 ? config : config.replace('\nauth:', `\n${extras.join('\n')}\nauth:`);
}

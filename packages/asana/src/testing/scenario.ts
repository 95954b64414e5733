import { type ClientConfig, configSchema } from '@vahub/core';
import { FakeAsana, type FakeAsanaOptions } from './fake-asana.js';
import type { FakeCustomField, FakeProject, FakeUser } from './model.js';

/** A client as the config loader would produce it (defaults applied), for tests. */
export function clientConfig(input: {
  id: string;
  projects: string[];
  timezone?: string;
  defaultEstimateMinutes?: number;
  estimateField?: string;
}): ClientConfig {
  const config = configSchema.parse({
    va: { timezone: 'Europe/Budapest', workingHours: { 'mon-fri': '09:00-17:00' } },
    clients: [
      {
        id: input.id,
        name: input.id,
        timezone: input.timezone ?? 'Australia/Sydney',
        asana: {
          projects: input.projects,
          ...(input.defaultEstimateMinutes ? { defaultEstimateMinutes: input.defaultEstimateMinutes } : {}),
          ...(input.estimateField ? { estimateField: input.estimateField } : {}),
        },
        toggl: { workspaceId: 1, clientId: 2 },
        billing: { currency: 'AUD', hourlyRate: '55.00' },
        xero: {
          tenantId: 'c2cc9b6e-9458-4c7d-93cc-f02b81b0594f',
          contactId: '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777',
          accountCode: '200',
        },
      },
    ],
  });
  const [client] = config.clients;
  if (!client) throw new Error('unreachable: one client was given');
  return client;
}

export interface World {
  fake: FakeAsana;
  apiUrl: string;
  /** The VA: the token's user. */
  va: FakeUser;
  vaToken: string;
  /** Someone else on the client's side. */
  colleague: FakeUser;
  koala: FakeProject;
  thames: FakeProject;
  estimate: FakeCustomField;
  clients: ClientConfig[];
}

/** A fake Asana with a VA, two clients' projects and an "Estimated time" duration field. */
export async function startWorld(options: FakeAsanaOptions = {}): Promise<World> {
  const fake = new FakeAsana(options);
  const apiUrl = await fake.start();
  const vaToken = `2/1209/va-token-${Math.random().toString(36).slice(2)}`;
  const va = fake.addUser({ name: 'Vera VA', token: vaToken });
  const colleague = fake.addUser({
    name: 'Colin Client',
    token: `2/1209/other-${Math.random().toString(36).slice(2)}`,
  });
  const koala = fake.addProject({ name: 'Koala Co' });
  const thames = fake.addProject({ name: 'Thames Studio' });
  const estimate = fake.addCustomField({ name: 'Estimated time', format: 'duration' });
  const clients = [
    clientConfig({ id: 'koala-co', projects: [koala.gid], timezone: 'Australia/Sydney' }),
    clientConfig({
      id: 'thames-studio',
      projects: [thames.gid],
      timezone: 'Europe/London',
      defaultEstimateMinutes: 45,
    }),
  ];
  return { fake, apiUrl, va, vaToken, colleague, koala, thames, estimate, clients };
}

import {
  baseClientShape,
  baseConfigShape,
  type ClientConfig,
  type ConnectorDeps,
  MemoryLock,
  MemoryLogger,
  MemoryTokenStore,
} from '@vahub/core';
import { z } from 'zod';
import { type AsanaClientEntry, asanaClientSchema } from '../config.js';
import type { AsanaContext } from '../descriptor.js';
import { FakeAsana, type FakeAsanaOptions } from './fake-asana.js';
import type { FakeCustomField, FakeProject, FakeUser } from './model.js';

const neutralClient = z.strictObject(baseClientShape);

/** A client with its Asana section as the config loader would produce them (defaults applied), for tests. */
export function clientConfig(input: {
  id: string;
  projects: string[];
  timezone?: string;
  defaultEstimateMinutes?: number;
  estimateField?: string;
  /** `asana.priority` as written in the config (defaults applied by the schema). */
  priority?: Record<string, unknown>;
}): AsanaClientEntry {
  const client: ClientConfig = neutralClient.parse({
    id: input.id,
    name: input.id,
    timezone: input.timezone ?? 'Australia/Sydney',
    billing: { currency: 'AUD', hourlyRate: '55.00' },
  });
  const section = asanaClientSchema.parse({
    projects: input.projects,
    ...(input.defaultEstimateMinutes ? { defaultEstimateMinutes: input.defaultEstimateMinutes } : {}),
    ...(input.estimateField ? { estimateField: input.estimateField } : {}),
    ...(input.priority ? { priority: input.priority } : {}),
  });
  return { client, section };
}

/** What `asanaConnector.create` is handed, for these clients and endpoints; deps default to memory ones. */
export function connectorContext(input: {
  clients: readonly AsanaClientEntry[];
  apiUrl: string;
  token: string | undefined;
  deps?: Partial<ConnectorDeps>;
}): AsanaContext {
  return {
    va: baseConfigShape.va.parse({ timezone: 'Europe/Budapest', workingHours: { 'mon-fri': '09:00-17:00' } }),
    calendar: baseConfigShape.calendar.parse(undefined),
    clients: input.clients,
    section: undefined,
    endpoints: { api: input.apiUrl },
    secrets: { token: input.token },
    deps: {
      tokens: new MemoryTokenStore(),
      lock: new MemoryLock(),
      logger: new MemoryLogger(),
      ...input.deps,
    },
  };
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
  clients: AsanaClientEntry[];
}

/** A fake Asana with a VA, two clients' projects and an "Estimated time" duration field. */
export async function startWorld(options: FakeAsanaOptions = {}): Promise<World> {
  const fake = new FakeAsana(options);
  await fake.start();
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
  return { fake, apiUrl: fake.apiUrl, va, vaToken, colleague, koala, thames, estimate, clients };
}

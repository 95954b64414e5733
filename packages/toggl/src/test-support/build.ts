import {
  type ConnectorDeps,
  type ConnectorInstance,
  MemoryLock,
  MemoryTokenStore,
  parseConfig,
  silentLogger,
} from '@vahub/core';
import { togglConnector } from '../descriptor.js';
import { MemoryStateStore } from './memory-state.js';

/** A client of the config, as YAML lines under `clients:`. */
export function clientYaml(id: string, toggl: string, grouping = 'project'): string {
  return `
  - id: ${id}
    name: ${id} Ltd
    timezone: Australia/Sydney
    billing: { currency: AUD, hourlyRate: "55.00", grouping: ${grouping} }
    toggl: ${toggl}`;
}

/** A whole config of these clients, parsed by core with the Toggl descriptor alone. */
export function parseTogglConfig(clients: string, env: NodeJS.ProcessEnv) {
  const text = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
clients:${clients}
`;
  return parseConfig(text, { connectors: [togglConnector] as const, env });
}

/**
 * Build the connector as the registry does: its clients (those with a `toggl` section), its endpoints
 * and secrets from the parsed config, and memory versions of the shared dependencies.
 */
export function buildToggl(
  config: ReturnType<typeof parseTogglConfig>,
  deps: Partial<ConnectorDeps> = {},
): ConnectorInstance<'time'> & { deps: ConnectorDeps } {
  const full: ConnectorDeps = {
    tokens: new MemoryTokenStore(),
    lock: new MemoryLock(),
    logger: silentLogger,
    state: new MemoryStateStore(),
    ...deps,
  };
  const clients = config.clients.flatMap(({ toggl, ...client }) =>
    toggl === undefined ? [] : [{ client, section: toggl }],
  );
  const instance = togglConnector.create({
    va: config.va,
    calendar: config.calendar,
    clients,
    section: undefined,
    endpoints: config.endpoints.toggl,
    secrets: config.auth.toggl ?? {},
    deps: full,
  });
  return { ...instance, deps: full };
}

import type { ClientConfig, ComposedConfig, ConfiguredConnector, ConnectorContext } from '@vahub/core';

const NEUTRAL_CLIENT_KEYS = ['id', 'name', 'timezone', 'color', 'billing'] as const;

/** A client as the flows see it: no vendor's section. */
export function neutralClient(client: ClientConfig): ClientConfig {
  const out: Record<string, unknown> = {};
  for (const key of NEUTRAL_CLIENT_KEYS) if (client[key] !== undefined) out[key] = client[key];
  return out as ClientConfig;
}

/** A connector's slice of the config (its clients, section, endpoints, secrets), with the given deps. */
export function connectorContext<Deps>(
  connector: ConfiguredConnector,
  config: ComposedConfig<readonly ConfiguredConnector[]>,
  deps: Deps,
): Omit<ConnectorContext, 'deps'> & { deps: Deps } {
  const sections = config as unknown as Record<string, unknown>;
  const endpoints = config.endpoints as Record<string, Record<string, string>>;
  const auth = config.auth as Record<string, Record<string, string | undefined> | undefined>;
  const clients = config.clients.flatMap((client) => {
    const section = (client as Record<string, unknown>)[connector.id];
    return section === undefined ? [] : [{ client: neutralClient(client), section }];
  });
  return {
    va: config.va,
    calendar: config.calendar,
    clients,
    section: sections[connector.id],
    endpoints: endpoints[connector.id] ?? connector.config.endpoints,
    secrets: auth[connector.id] ?? {},
    deps,
  };
}

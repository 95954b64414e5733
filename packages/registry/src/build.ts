import type {
  AnyConnectorDescriptor,
  ClientConfig,
  ComposedConfig,
  ConnectorDeps,
  ConnectorInstance,
  PortMap,
  PortName,
  QuotaWindow,
} from '@vahub/core';
import { type Config, connectors } from './connectors.js';

/** Every connector built from the config, and each port served by the one connector that serves it. */
export interface BuiltConnectors {
  ports: PortMap;
  /** By connector id. */
  instances: ReadonlyMap<string, ConnectorInstance>;
  close(): Promise<void>;
}

const NEUTRAL_CLIENT_KEYS = ['id', 'name', 'timezone', 'color', 'billing'] as const;

/** A client as the flows see it: no vendor's section. */
export function neutralClient(client: Config['clients'][number]): ClientConfig {
  const out: Record<string, unknown> = {};
  for (const key of NEUTRAL_CLIENT_KEYS) if (client[key] !== undefined) out[key] = client[key];
  return out as ClientConfig;
}

/**
 * The composition root: build every connector of the registry from the config and the shared
 * dependencies. Building never calls a vendor; a missing secret fails the first call that needs it,
 * naming the secret.
 */
export function buildConnectors<const Ds extends readonly AnyConnectorDescriptor[] = typeof connectors>(
  config: ComposedConfig<Ds>,
  deps: ConnectorDeps,
  registry: Ds = connectors as unknown as Ds,
): BuiltConnectors {
  const instances = new Map<string, ConnectorInstance>();
  const served = new Map<PortName, unknown>();
  const sections = config as unknown as Record<string, unknown>;
  const endpoints = config.endpoints as Record<string, Record<string, string>>;
  const auth = config.auth as Record<string, Record<string, string | undefined> | undefined>;
  for (const connector of registry) {
    const clients = config.clients.flatMap((client) => {
      const section = (client as Record<string, unknown>)[connector.id];
      return section === undefined
        ? []
        : [{ client: neutralClient(client as Config['clients'][number]), section }];
    });
    const instance = connector.create({
      va: config.va,
      calendar: config.calendar,
      clients,
      section: sections[connector.id],
      endpoints: endpoints[connector.id] ?? connector.config.endpoints,
      secrets: auth[connector.id] ?? {},
      deps: { ...deps, logger: deps.logger.child({ connector: connector.id }) },
    });
    instances.set(connector.id, instance);
    for (const port of connector.serves as readonly PortName[]) {
      if (served.has(port))
        throw new Error(`two connectors serve the ${port} port: the registry lists one per port`);
      served.set(port, (instance.ports as Record<string, unknown>)[port]);
    }
  }
  for (const port of ['tasks', 'time', 'calendar', 'invoices'] as const) {
    if (!served.has(port)) throw new Error(`no connector serves the ${port} port`);
  }
  return {
    ports: Object.fromEntries(served) as unknown as PortMap,
    instances,
    close: async () => {
      await Promise.allSettled([...instances.values()].map((i) => i.close?.()));
    },
  };
}

/**
 * The vendors' quotas for the VA's plans, by connector id, from each connector's top-level section
 * (`asana.plan`, `toggl.plan`, or a rate given outright): what the shared rate limiter keeps to.
 */
export function configuredQuotas<const Ds extends readonly AnyConnectorDescriptor[] = typeof connectors>(
  config: ComposedConfig<Ds>,
  registry: Ds = connectors as unknown as Ds,
): Record<string, readonly QuotaWindow[]> {
  const sections = config as unknown as Record<string, unknown>;
  const out: Record<string, readonly QuotaWindow[]> = {};
  for (const connector of registry) {
    if (connector.config.quotas) out[connector.id] = connector.config.quotas(sections[connector.id]);
  }
  return out;
}

import type {
  AnyConnectorDescriptor,
  ComposedConfig,
  ConnectorDeps,
  ConnectorInstance,
  PortMap,
  PortName,
  QuotaWindow,
} from '@vahub/core';
import { connectors } from './connectors.js';
import { connectorContext } from './context.js';

/** Every connector built from the config, and each port served by the one connector that serves it. */
export interface BuiltConnectors {
  ports: PortMap;
  /** By connector id. */
  instances: ReadonlyMap<string, ConnectorInstance>;
  close(): Promise<void>;
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
  for (const connector of registry) {
    const instance = connector.create(
      connectorContext(connector, config, {
        ...deps,
        logger: deps.logger.child({ connector: connector.id }),
      }),
    );
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

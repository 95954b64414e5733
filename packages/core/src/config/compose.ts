import { z } from 'zod';
import type { ConfiguredConnector, HasSchema, SchemaOutput } from '../connector/descriptor.js';
import {
  baseClientShape,
  baseConfigShape,
  type ClientConfig,
  endpointUrl,
  type VahubConfig,
} from './schema.js';

type Connectors = readonly ConfiguredConnector[];
type Each<Ds extends Connectors> = Ds[number];

/** `clients[i].<id>` for each connector that has a per-client section; every one is optional. */
export type ClientSections<Ds extends Connectors> = {
  [D in Each<Ds> as HasSchema<D['config']['client']> extends true ? D['id'] : never]?: SchemaOutput<
    D['config']['client']
  >;
};

/** `<id>:` at the top level, for connectors that have one. */
export type TopSections<Ds extends Connectors> = {
  [D in Each<Ds> as HasSchema<D['config']['section']> extends true ? D['id'] : never]?: SchemaOutput<
    D['config']['section']
  >;
};

/** `endpoints.<id>.<name>`, defaults filled in. */
export type ComposedEndpoints<Ds extends Connectors> = {
  [D in Each<Ds> as D['id']]: { [K in keyof D['config']['endpoints']]: string };
};

/** `auth.<id>.<key>`: secrets, present when found. */
export type ComposedAuth<Ds extends Connectors> = {
  [D in Each<Ds> as D['id']]?: { [K in keyof D['config']['secrets']]?: string };
};

/** The whole config for a registry of connectors: core's vendor-neutral part plus each connector's. */
export type ComposedConfig<Ds extends Connectors> = Omit<VahubConfig, 'clients'> & {
  clients: (ClientConfig & ClientSections<Ds>)[];
  endpoints: ComposedEndpoints<Ds>;
  auth: ComposedAuth<Ds>;
} & TopSections<Ds>;

/** The zod schema of the config for these connectors. Core names no vendor: the descriptors do. */
export function createConfigSchema<const Ds extends Connectors>(
  connectors: Ds,
): z.ZodType<ComposedConfig<Ds>> {
  const clientShape: Record<string, z.ZodType> = { ...baseClientShape };
  const endpointShape: Record<string, z.ZodType> = {};
  const authShape: Record<string, z.ZodType> = {};
  const topShape: Record<string, z.ZodType> = {};
  for (const c of connectors) {
    if (c.config.client) clientShape[c.id] = c.config.client.optional();
    if (c.config.section) topShape[c.id] = c.config.section.optional();
    const defaults = c.config.endpoints as Record<string, string>;
    endpointShape[c.id] = z
      .strictObject(Object.fromEntries(Object.keys(defaults).map((name) => [name, endpointUrl])))
      .partial()
      .default({})
      .transform((given) => ({ ...defaults, ...given }));
    const secrets = Object.entries(c.config.secrets as Record<string, { required?: boolean }>);
    authShape[c.id] = z
      .strictObject(
        Object.fromEntries(
          secrets.map(([key, spec]) => [
            key,
            spec.required === false ? z.string().min(1).optional() : z.string().min(1),
          ]),
        ),
      )
      .optional();
  }
  const allDefaults = Object.fromEntries(connectors.map((c) => [c.id, {}]));
  return z.strictObject({
    ...baseConfigShape,
    ...topShape,
    clients: z.array(z.strictObject(clientShape)).min(1, { error: 'list at least one client' }),
    endpoints: z.strictObject(endpointShape).prefault(allDefaults),
    auth: z.strictObject(authShape).default({}),
  }) as unknown as z.ZodType<ComposedConfig<Ds>>;
}

import type { z } from 'zod';
import type { Lock } from '../auth/lock.js';
import type { TokenStore } from '../auth/token-store.js';
import type { CalendarConfig, ClientConfig, VaConfig } from '../config/schema.js';
import type { CalendarPort, InvoiceSink, ReportPublisher, TaskSource, TimeSource } from '../domain/ports.js';
import type { ConfigIssue } from '../errors/errors.js';
import type { RateLimiter } from '../http/limiter.js';
import type { Logger } from '../http/logger.js';
import type { SubscriptionManager } from './subscriptions.js';
import type { WebhookReceiver } from './webhooks.js';

/**
 * The ports a connector can serve; each is served by exactly one connector of the registry. The
 * first four are required; `reports` is optional (without it weekly reports wait for the VA).
 */
export interface PortMap {
  tasks: TaskSource;
  time: TimeSource;
  calendar: CalendarPort;
  invoices: InvoiceSink;
  reports?: ReportPublisher;
}
export type PortName = keyof PortMap;

/** A secret the connector reads from `auth.<id>.<key>`, or from `env` when the file leaves it out. */
export interface SecretSpec {
  /** The conventional environment variable, e.g. `ASANA_TOKEN`. */
  env: string;
  /** What it is and where to find it, for `check`, `doctor` and the field reference. */
  description: string;
  /** @defaultValue true */
  required?: boolean;
}

/** How the connector authenticates, declared as data so `connect`, `doctor` and the docs can read it. */
export type AuthSpec =
  | {
      kind: 'token';
      /** The secret (a key of `config.secrets`) that holds the token. */
      secret: string;
      /** Where the VA finds it, e.g. "Asana → My settings → Apps → Developer apps". */
      howToGet: string;
    }
  | {
      kind: 'oauth2';
      /** Endpoint names (keys of `config.endpoints`). */
      authorizeEndpoint: string;
      tokenEndpoint: string;
      revokeEndpoint?: string;
      scopes: readonly string[];
      pkce: boolean;
      /** Client id and secret: keys of `config.secrets`. */
      clientIdSecret: string;
      clientSecretSecret: string;
      /** The token store key of the grant. */
      tokenKey: string;
      howToGet: string;
    };

/** Shared things a connector is built with. Tests hand in memory versions; the service, Redis ones. */
export interface ConnectorDeps {
  tokens: TokenStore;
  lock: Lock;
  logger: Logger;
  /** Client-side rate limits that hold across processes (the jobs package's). */
  limiter?: RateLimiter;
  /** Small durable state a connector keeps (webhook secrets, channel tokens): the jobs package's Redis store. */
  state?: StateStore;
  now?: () => number;
  /** How waits are slept (tests pass one that moves a fake clock). */
  sleep?: (ms: number) => Promise<void>;
}

/** A key-value store for a connector's own small state. Values are encrypted where the store says so. */
export interface StateStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: { ttlMs?: number }): Promise<void>;
  /** Set only if absent; true when this call set it. */
  setIfAbsent(key: string, value: string, options?: { ttlMs?: number }): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
}

/** A client as a connector sees it: the vendor-neutral client and the connector's own section of it. */
export interface ClientWithSection<S> {
  client: ClientConfig;
  section: S;
}

/** What a connector is built from: its slice of the loaded config, and the shared dependencies. */
export interface ConnectorContext<ClientSection = unknown, Section = unknown> {
  va: VaConfig;
  calendar: CalendarConfig;
  /** Every configured client that has this connector's section, in config order. */
  clients: readonly ClientWithSection<ClientSection>[];
  /** The connector's top-level section, when it has one. */
  section: Section | undefined;
  /** `endpoints.<id>`, defaults filled in. */
  endpoints: Readonly<Record<string, string>>;
  /** `auth.<id>`: the secrets found (from the file's references or the conventional variables). */
  secrets: Readonly<Record<string, string | undefined>>;
  deps: ConnectorDeps;
}

/** What `vahub connect <id>` needs: the vendor's consent flow, ending with the grant in the token store. */
export interface ConnectFlow {
  connect(options: {
    /** Show the consent page to the VA: open a browser, or print the URL on a headless server. */
    open: (url: string) => Promise<void>;
    /** How long to wait for the VA's consent. */
    timeoutMs?: number;
    /**
     * Where the vendor sends the VA back: a loopback address vahub listens on. Vendors that redirect
     * only to registered addresses (Xero) need the one registered; port 0 picks a free port.
     */
    redirectUri?: string;
  }): Promise<ConnectResult>;
  /** Revoke the grant at the vendor and forget it. */
  disconnect?(): Promise<void>;
}

export interface ConnectResult {
  /** The token store key of the grant. */
  key: string;
  scope?: string | undefined;
  expiresAt?: number | undefined;
  /** What the grant reaches (organisations, calendars), for the VA to confirm. */
  reaches?: readonly { id: string; name: string }[];
}

/** A built connector: the ports it serves and what the service needs of it. */
export interface ConnectorInstance<Serves extends PortName = PortName> {
  ports: Pick<PortMap, Serves>;
  webhooks?: WebhookReceiver;
  /** Webhook registration at the vendor (see `SubscriptionManager`); absent when the connector receives none. */
  subscriptions?: SubscriptionManager;
  /** OAuth connectors: the consent flow. */
  oauth?: ConnectFlow;
  /**
   * One cheap read-only call that proves the credential works, answering whose account it is (a
   * name for the VA to recognise, never a token). For `vahub connect` and `vahub doctor`.
   */
  whoami?(): Promise<string>;
  /**
   * What the config needs from this app, read from the connected account: workspaces, projects,
   * organisations, contacts, codes. For `vahub ids <id>`; read-only, never a secret in a row.
   */
  listIds?(): Promise<IdTable[]>;
  /**
   * Each configured client's settings checked against the account, beyond existence: what would make
   * every call for that client fail (an archived account code, say). For `vahub doctor`.
   */
  checkClients?(): Promise<ClientCheck[]>;
  /** Release what it holds (timers, sockets). */
  close?(): Promise<void>;
}

/** One kind of id the config takes, as the connected account has them. */
export interface IdTable {
  /** What the rows are, e.g. "projects". */
  title: string;
  /** Where the config takes one, e.g. "clients[].asana.projects". */
  configKey: string;
  /** Whose they are when the account has several (a workspace, an organisation). */
  within?: string;
  /** Column names, in order; each row has a value (possibly "") for every one. */
  columns: readonly string[];
  rows: readonly Readonly<Record<string, string>>[];
}

/** One thing checked of one client's settings at the app: fine, wrong, or not checkable. */
export interface ClientCheck {
  clientId: string;
  /** What was checked, e.g. "invoice account code". */
  check: string;
  /** The setting, relative to the client: "xero.accountCode", "billing.currency". */
  path: string;
  /** What is wrong; null when fine. */
  problem: string | null;
  /** What to do about it beyond correcting the setting (e.g. "add it in Xero → …"). */
  hint?: string;
  /** Set when the check could not be made (the app refused or did not answer). */
  error?: unknown;
}

/**
 * Everything an app needs to know about a vendor, and the only place that knows it: id, config
 * sections (each connector owns its own; core's schema composes them), auth, how its ports are built,
 * and how it receives webhooks. The registry lists the descriptors; apps build every port from it.
 */
export interface ConnectorDescriptor<
  Id extends string = string,
  ClientSchema extends z.ZodType | undefined = z.ZodType | undefined,
  SectionSchema extends z.ZodType | undefined = z.ZodType | undefined,
  Endpoints extends Record<string, string> = Record<string, string>,
  Secrets extends Record<string, SecretSpec> = Record<string, SecretSpec>,
  Serves extends PortName = PortName,
> {
  id: Id;
  /** The vendor's name as people write it: "Google Calendar". */
  title: string;
  serves: readonly Serves[];
  config: {
    /** `clients[i].<id>`: which of the vendor's things belong to the client. Optional per client. */
    client?: ClientSchema;
    /** `<id>:` at the top level, for settings that are not per client. */
    section?: SectionSchema;
    /** Default base URLs, each overridable under `endpoints.<id>` or `VAHUB_ENDPOINT_<ID>_<NAME>`. */
    endpoints: Endpoints;
    secrets: Secrets;
    /** Checks across clients, e.g. one project mapped to two clients. */
    check?: (clients: readonly IndexedSection<SchemaOutput<ClientSchema>>[]) => ConfigIssue[];
    /**
     * The vendor's quotas for the VA's plan, read from the top-level section (absent when not given):
     * each replaces the window of the same length in the limits vahub keeps to by default.
     */
    quotas?: (section: SchemaOutput<SectionSchema> | undefined) => readonly QuotaWindow[];
  };
  auth: AuthSpec;
  create(
    context: ConnectorContext<SchemaOutput<ClientSchema>, SchemaOutput<SectionSchema>>,
  ): ConnectorInstance<Serves>;
}

/** At most `limit` calls to a vendor in any `windowMs`, as the VA's plan with the vendor allows. */
export interface QuotaWindow {
  limit: number;
  windowMs: number;
}

/** A client's section with where it stands, for cross-client checks (`clients[<index>].<id>`). */
export interface IndexedSection<S> {
  index: number;
  clientId: string;
  section: S;
}

export type SchemaOutput<S> = [Exclude<S, undefined>] extends [never]
  ? undefined
  : z.output<Exclude<S, undefined>>;

/** Whether a descriptor declares the (optional) schema `S`. */
export type HasSchema<S> = [Exclude<S, undefined>] extends [never] ? false : true;

// biome-ignore lint/suspicious/noExplicitAny: the registry holds descriptors of every shape.
export type AnyConnectorDescriptor = ConnectorDescriptor<string, any, any, any, any, any>;

/** What the config loader reads of a connector: its id and its config sections. */
export type ConfiguredConnector = Pick<AnyConnectorDescriptor, 'id' | 'config'>;

/** What building a connector's webhook receiver needs: no token store, no lock, no rate limiter. */
export type ReceiverContext<ClientSection = unknown, Section = unknown> = Omit<
  ConnectorContext<ClientSection, Section>,
  'deps'
> & { deps: Pick<ConnectorDeps, 'logger' | 'state' | 'now'> };

/**
 * The receiving half of a connector, for a process that only receives webhooks: the descriptor's
 * declaration (id, config, auth) and how to build its receiver. A connector exports it from a module
 * that loads no vendor SDK and no API client (`@vahub/<id>/receiver`); its descriptor spreads it.
 */
export type ReceiverDescriptor = Omit<AnyConnectorDescriptor, 'create'> & {
  /** The connector's webhook receiver; undefined when it receives none. */
  receiver(context: ReceiverContext): WebhookReceiver | undefined;
};

/** Declare a connector's receiving half, keeping its literal id, ports and config types. */
export function defineReceiver<const D extends ReceiverDescriptor>(descriptor: D): D {
  return descriptor;
}

/**
 * Declare a connector. The identity function infers every part (the sections' schemas type `create`
 * and `check`) and keeps the literal id and ports for the registry.
 */
export function defineConnector<
  const Id extends string,
  ClientSchema extends z.ZodType | undefined = undefined,
  SectionSchema extends z.ZodType | undefined = undefined,
  const Endpoints extends Record<string, string> = Record<string, string>,
  const Secrets extends Record<string, SecretSpec> = Record<string, SecretSpec>,
  const Serves extends PortName = PortName,
>(
  descriptor: ConnectorDescriptor<Id, ClientSchema, SectionSchema, Endpoints, Secrets, Serves>,
): ConnectorDescriptor<Id, ClientSchema, SectionSchema, Endpoints, Secrets, Serves> {
  return descriptor;
}

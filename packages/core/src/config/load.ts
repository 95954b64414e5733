import { readFile, stat } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import type { ConfiguredConnector } from '../connector/descriptor.js';
import { ConfigError, type ConfigIssue } from '../errors/errors.js';
import { type ComposedConfig, createConfigSchema } from './compose.js';
import type { ClientConfig } from './schema.js';

type Path = readonly (string | number | symbol)[];

/** `clients[1].billing.currency` */
export function formatPath(path: Path): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

const SECRET_KEY = /(token|secret|password|apikey|webhookkey|privatekey)$/i;
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE_ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/**
 * Walk the raw document: refuse secrets written literally, and replace `${VAR}` with the
 * environment's value (a missing variable is an issue, not an empty string).
 */
function interpolate(
  value: unknown,
  path: (string | number)[],
  env: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  ancestors: ReadonlySet<object> = new Set(),
): unknown {
  if (value !== null && typeof value === 'object' && ancestors.has(value)) {
    // A YAML alias that contains itself (`a: &x { b: *x }`) would recurse forever.
    issues.push({
      path: formatPath(path),
      message: 'a YAML alias refers to itself: replace it with the values it stands for',
    });
    return undefined;
  }
  const inner = value !== null && typeof value === 'object' ? new Set([...ancestors, value]) : ancestors;
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, [...path, i], env, issues, inner));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        const here = [...path, k];
        if (
          here[0] !== 'endpoints' && // endpoints.*.token is the token URL, not a secret
          SECRET_KEY.test(k) &&
          v !== null &&
          v !== undefined &&
          !(typeof v === 'string' && WHOLE_ENV_REF.test(v.trim()))
        ) {
          issues.push({
            path: formatPath(here),
            message: `secrets may not be written in the config file: write "\${${envNameFor(here)}}" and set ${envNameFor(here)} in the environment`,
          });
          return [k, undefined];
        }
        return [k, interpolate(v, here, env, issues, inner)];
      }),
    );
  }
  if (typeof value !== 'string') return value;
  return value.replace(ENV_REF, (_, name: string) => {
    const found = env[name];
    if (found === undefined || found === '') {
      issues.push({
        path: formatPath(path),
        message: `environment variable ${name} is not set: export ${name}=… before starting vahub`,
      });
      return '';
    }
    return found;
  });
}

function envNameFor(path: readonly (string | number)[]): string {
  return path
    .filter((p): p is string => typeof p === 'string')
    .slice(-2)
    .map((p) => p.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase())
    .join('_');
}

function zodIssueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const received = (issue as { input?: unknown }).input;
    if (received === undefined) return `is required: add it (expected ${issue.expected})`;
    return `expected ${issue.expected}, got ${JSON.stringify(received)}`;
  }
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}: remove ${issue.keys.length > 1 ? 'them' : 'it'} or check the spelling`;
  }
  if (issue.code === 'invalid_value') {
    return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify((issue as { input?: unknown }).input)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number') {
    return `must be at least ${issue.minimum}, got ${JSON.stringify((issue as { input?: unknown }).input)}`;
  }
  // zod's own wording ("Too small: …", "Invalid string: must match pattern /…/") is replaced; a
  // schema's own message is kept.
  if (issue.code === 'too_small' && issue.origin === 'string' && /^Too small/.test(issue.message)) {
    return Number(issue.minimum) <= 1
      ? 'may not be empty: give a value'
      : `must be at least ${issue.minimum} characters long`;
  }
  if (issue.code === 'invalid_format') {
    // Never a raw regular expression: say what was given (a schema with its own message wins).
    const input = (issue as { input?: unknown }).input;
    return issue.message && !/^Invalid|must match pattern/.test(issue.message)
      ? issue.message
      : `${JSON.stringify(input)} is not in the expected form for this field: see the example config`;
  }
  if (issue.code === 'too_big' && issue.origin === 'number') {
    return `must be at most ${issue.maximum}, got ${JSON.stringify((issue as { input?: unknown }).input)}`;
  }
  return issue.message;
}

/** Checks that span several clients: unique ids, and each connector's own (one project, one client). */
function crossChecks(
  config: { clients: readonly (ClientConfig & Record<string, unknown>)[] },
  connectors: readonly ConfiguredConnector[],
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = new Map<string, number>();
  config.clients.forEach((client, i) => {
    const first = ids.get(client.id);
    if (first === undefined) ids.set(client.id, i);
    else
      issues.push({
        path: `clients[${i}].id`,
        message: `client id "${client.id}" is used twice, first by clients[${first}]: give each client its own id`,
      });
  });
  for (const connector of connectors) {
    if (!connector.config.check) continue;
    const sections = config.clients.flatMap((client, index) =>
      client[connector.id] === undefined
        ? []
        : [{ index, clientId: client.id, section: client[connector.id] }],
    );
    issues.push(...connector.config.check(sections));
  }
  return issues;
}

/** `VAHUB_ENDPOINT_XERO_TOKEN` for connector `xero`, endpoint `token`. */
export function endpointEnvName(connectorId: string, endpoint: string): string {
  const part = (text: string) =>
    text
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .replace(/-/g, '_')
      .toUpperCase();
  return `VAHUB_ENDPOINT_${part(connectorId)}_${part(endpoint)}`;
}

/** `VAHUB_ENDPOINT_XERO_TOKEN=http://127.0.0.1:4000/connect/token` overrides `endpoints.xero.token`. */
function mergeEndpoints(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  connectors: readonly ConfiguredConnector[],
  fromEnv: Map<string, string>,
): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const doc = raw as Record<string, unknown>;
  const endpoints = { ...((doc.endpoints as Record<string, unknown>) ?? {}) };
  let changed = false;
  for (const connector of connectors) {
    for (const name of Object.keys(connector.config.endpoints)) {
      const value = env[endpointEnvName(connector.id, name)];
      if (!value) continue;
      endpoints[connector.id] = { ...((endpoints[connector.id] as object) ?? {}), [name]: value };
      fromEnv.set(`endpoints.${connector.id}.${name}`, endpointEnvName(connector.id, name));
      changed = true;
    }
  }
  return changed ? { ...doc, endpoints } : doc;
}

/** The environment variables vahub reads when the file has no `auth` entry for a connector. */
export function defaultSecretEnv(
  connectors: readonly ConfiguredConnector[],
): Record<string, Record<string, string>> {
  return Object.fromEntries(
    connectors.map((c) => [
      c.id,
      Object.fromEntries(
        Object.entries(c.config.secrets as Record<string, { env: string }>).map(([k, s]) => [k, s.env]),
      ),
    ]),
  );
}

/** Fill `auth.<connector>` from the conventional variables when the file leaves it out and they are set. */
function defaultAuth(
  raw: unknown,
  env: NodeJS.ProcessEnv,
  connectors: readonly ConfiguredConnector[],
): unknown {
  if (raw === null || typeof raw !== 'object') return raw;
  const doc = raw as Record<string, unknown>;
  const auth = { ...((doc.auth as Record<string, unknown> | undefined) ?? {}) };
  for (const [provider, vars] of Object.entries(defaultSecretEnv(connectors))) {
    if (auth[provider] !== undefined) continue;
    const values = Object.entries(vars).filter(([, name]) => env[name]);
    if (values.length > 0) auth[provider] = Object.fromEntries(values.map(([key, name]) => [key, env[name]]));
  }
  return Object.keys(auth).length > 0 ? { ...doc, auth } : doc;
}

/** "line 3, column 7" (both from 1) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

export interface ParseOptions<Ds extends readonly ConfiguredConnector[]> {
  /** The registry's connectors: their sections, endpoints and secrets make up the schema. */
  connectors: Ds;
  env?: NodeJS.ProcessEnv;
  source?: string;
}

/** Validate a config given as YAML text. Throws `ConfigError` listing every problem. */
export function parseConfig<const Ds extends readonly ConfiguredConnector[]>(
  text: string,
  options: ParseOptions<Ds>,
): ComposedConfig<Ds> {
  const env = options.env ?? process.env;
  const source = options.source ?? 'config';
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((e) => ({
        path: '',
        message: `not valid YAML at ${lineAndColumn(text, e.pos[0])}: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      })),
      source,
    );
  }
  let raw: unknown;
  try {
    // A bounded alias count refuses "billion laughs" documents instead of expanding them.
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    throw new ConfigError([{ path: '', message: `cannot read the YAML: ${(err as Error).message}` }], source);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(
      [{ path: '', message: 'expected a YAML mapping with va, calendar and clients' }],
      source,
    );
  }
  const issues: ConfigIssue[] = [];
  const { connectors } = options;
  // Paths whose value came from an environment override, and the variable to blame for it.
  const fromEnv = new Map<string, string>();
  const interpolated = defaultAuth(
    mergeEndpoints(interpolate(raw, [], env, issues), env, connectors, fromEnv),
    env,
    connectors,
  );
  // reportInput: messages can then say what was given (`got "dollars"`).
  const parsed = createConfigSchema(connectors).safeParse(interpolated, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formatPath(issue.path);
      const variable = fromEnv.get(path);
      issues.push(
        variable === undefined
          ? { path, message: zodIssueMessage(issue) }
          : {
              path: `${variable} (environment)`,
              message: `${zodIssueMessage(issue)}; it overrides ${path} of the file: fix or unset ${variable}`,
            },
      );
    }
    throw new ConfigError(issues, source);
  }
  issues.push(
    ...crossChecks(parsed.data as { clients: (ClientConfig & Record<string, unknown>)[] }, connectors),
  );
  if (issues.length > 0) throw new ConfigError(issues, source);
  return parsed.data;
}

/** The largest config file read: far above any real one (a few KiB), far below trouble. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** Read, interpolate and validate a config file (a regular file of at most `MAX_CONFIG_BYTES`). */
export async function loadConfig<const Ds extends readonly ConfiguredConnector[]>(
  file: string,
  options: Omit<ParseOptions<Ds>, 'source'>,
): Promise<ComposedConfig<Ds>> {
  let text: string;
  try {
    // Looked at before it is read: a FIFO would block the read, a huge file would fill memory.
    const info = await stat(file);
    if (!info.isFile()) {
      throw new ConfigError(
        [
          {
            path: '',
            message: `${file} is not a regular file (a pipe, device or folder): give the path of the YAML file`,
          },
        ],
        file,
      );
    }
    if (info.size > MAX_CONFIG_BYTES) {
      throw new ConfigError(
        [
          {
            path: '',
            message: `${file} is ${Math.round(info.size / 1024)} KiB; a config is a few KiB (at most ${MAX_CONFIG_BYTES / 1024} KiB): check the path`,
          },
        ],
        file,
      );
    }
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      [
        {
          path: '',
          message:
            code === 'ENOENT'
              ? `${file} does not exist: copy vahub.config.example.yaml to ${file} and edit it`
              : `cannot read ${file} (${code ?? 'error'})`,
        },
      ],
      file,
    );
  }
  return parseConfig(text, { ...options, source: file });
}

import { isConnectorError, isReconnectRequired } from '@vahub/core';
import { inspectRedis } from '@vahub/jobs';
import { type Config, connectors } from '@vahub/registry';
import type { Runtime } from '../frame/runtime.js';

/** One thing doctor looked at: fine, or what is wrong and how to fix it. */
export interface Finding {
  check: string;
  ok: boolean;
  /** What is wrong (when not ok), or a warning worth reading when ok. */
  problem?: string;
  fix?: string;
}

const pass = (check: string, note?: string): Finding => ({
  check,
  ok: true,
  ...(note ? { problem: note } : {}),
});
const fail = (check: string, problem: string, fix: string): Finding => ({ check, ok: false, problem, fix });

/** Every required secret of every connector, found in the file's references or the conventional variables. */
export function secretFindings(config: Config): Finding[] {
  const auth = config.auth as Record<string, Record<string, string | undefined> | undefined>;
  return connectors.flatMap((c) =>
    Object.entries(
      c.config.secrets as Record<string, { env: string; required?: boolean; description: string }>,
    )
      .filter(([, spec]) => spec.required !== false)
      .map(([key, spec]) =>
        auth[c.id]?.[key]
          ? pass(`secret ${spec.env}`)
          : fail(
              `secret ${spec.env}`,
              `${spec.env} is not set (${c.title}: ${spec.description})`,
              c.auth.kind === 'token' && c.auth.secret === key
                ? `export ${spec.env}=… or run \`vahub connect ${c.id}\`; ${c.auth.howToGet}`
                : `export ${spec.env}=…; ${c.auth.howToGet}`,
            ),
      ),
  );
}

export async function redisFindings(redis: Runtime['redis']): Promise<Finding[]> {
  const report = await inspectRedis(redis, { timeoutMs: 3000 });
  const findings = [
    report.maxmemoryPolicy === 'noeviction'
      ? pass('redis eviction policy')
      : fail(
          'redis eviction policy',
          `maxmemory-policy is "${report.maxmemoryPolicy}": Redis may evict jobs, locks and grants`,
          'CONFIG SET maxmemory-policy noeviction, and set it in redis.conf so it survives a restart',
        ),
  ];
  const persisted = report.persistence.aof || (report.persistence.rdbSchedule ?? '') !== '';
  findings.push(
    persisted
      ? pass('redis persistence', report.warnings.join('; ') || undefined)
      : fail(
          'redis persistence',
          'neither AOF nor snapshots are on: a restart loses every grant and queued job',
          'set `appendonly yes` (and `appendfsync everysec`) in redis.conf, or CONFIG SET appendonly yes',
        ),
  );
  return findings;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** "correct <what>", and where to find the right value when the app lists them (`vahub ids`). */
function correct(runtime: Runtime, connectorId: string, what: string): string {
  const lists = runtime.built.instances.get(connectorId)?.listIds !== undefined;
  return `correct ${what} in the config${lists ? ` (\`vahub ids ${connectorId}\` lists what fits)` : ''}`;
}

/** What to do about a failed call: reconnect, fix an id, or wait for the app. */
function fixFor(runtime: Runtime, err: unknown, connectorId: string, what: string): string {
  if (isReconnectRequired(err)) return `run \`vahub connect ${connectorId}\``;
  if (isConnectorError(err) && err.code === 'not_found') return correct(runtime, connectorId, what);
  if (isConnectorError(err) && ['network', 'timeout', 'unavailable'].includes(err.code)) {
    return `the app did not answer: check the network, or endpoints.${connectorId} if overridden`;
  }
  return `check ${what} and the credential (\`vahub connect ${connectorId}\`)`;
}

/** Each credential alive: one cheap call per app. */
export async function credentialFindings(runtime: Runtime): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const c of connectors) {
    const check = `${c.title} credential`;
    try {
      const who = await runtime.instance(c.id).whoami?.();
      out.push(pass(check, who ? undefined : 'not checked: the connector offers no check'));
    } catch (err) {
      out.push(fail(check, describe(err), fixFor(runtime, err, c.id, 'the credential')));
    }
  }
  return out;
}

/** Each client's configured things exist: projects (tasks), time's client/projects, contact and organisation. */
export async function clientFindings(runtime: Runtime): Promise<Finding[]> {
  const { ports } = runtime.built;
  const out: Finding[] = [];
  for (const [index, client] of runtime.config.clients.entries()) {
    const path = `clients[${index}]`;
    const sections = client as Record<string, unknown>;
    const tries: [string, string, string, () => Promise<string | null>][] = [
      [
        'asana',
        `${client.id} task projects`,
        `${path}.asana.projects`,
        async () => {
          await ports.tasks.listOpenTasks(client.id);
          return null;
        },
      ],
      [
        'toggl',
        `${client.id} time tracking`,
        `${path}.toggl`,
        async () => {
          await ports.time.names(client.id);
          return null;
        },
      ],
      [
        'xero',
        `${client.id} invoice contact`,
        `${path}.xero.tenantId / contactId`,
        async () => {
          const contact = await ports.invoices.findContact(client.id);
          return contact === null ? 'the contact does not exist in that organisation' : null;
        },
      ],
    ];
    for (const [id, check, what, run] of tries) {
      if (sections[id] === undefined) continue;
      try {
        const problem = await run();
        out.push(problem === null ? pass(check) : fail(check, problem, correct(runtime, id, what)));
      } catch (err) {
        out.push(fail(check, describe(err), fixFor(runtime, err, id, what)));
      }
    }
  }
  return out;
}

/**
 * What each app checks of the clients' settings beyond existence (Xero: account code, tax type,
 * currency), each finding naming the setting's path and the fix.
 */
export async function settingFindings(runtime: Runtime): Promise<Finding[]> {
  const index = new Map(runtime.config.clients.map((c, i) => [c.id, i]));
  const out: Finding[] = [];
  for (const c of connectors) {
    const checks = await runtime.built.instances.get(c.id)?.checkClients?.();
    for (const r of checks ?? []) {
      const path = `clients[${index.get(r.clientId)}].${r.path}`;
      const check = `${r.clientId} ${r.check}`;
      if (r.error !== undefined)
        out.push(fail(check, describe(r.error), fixFor(runtime, r.error, c.id, path)));
      else if (r.problem === null) out.push(pass(check));
      else
        out.push(
          fail(
            check,
            `${path}: ${r.problem}`,
            `${correct(runtime, c.id, path)}${r.hint ? `, ${r.hint}` : ''}`,
          ),
        );
    }
  }
  return out;
}

/** The clock against each app's Date header: tokens, webhooks and signatures expire by the clock. */
export async function clockFindings(config: Config, now: () => number = Date.now): Promise<Finding[]> {
  const endpoints = config.endpoints as Record<string, Record<string, string>>;
  const out: Finding[] = [];
  for (const c of connectors) {
    const base = endpoints[c.id]?.api ?? Object.values(endpoints[c.id] ?? {})[0];
    if (!base) continue;
    try {
      const res = await fetch(base, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
      const date = res.headers.get('date');
      if (!date) continue;
      const skew = Math.round((now() - Date.parse(date)) / 1000);
      out.push(
        Math.abs(skew) <= 60
          ? pass(`clock against ${c.title}`)
          : fail(
              `clock against ${c.title}`,
              `this machine's clock is ${Math.abs(skew)} s ${skew > 0 ? 'ahead of' : 'behind'} ${c.title}'s`,
              'turn on time sync (`timedatectl set-ntp true`, or chrony)',
            ),
      );
    } catch {
      // An unreachable app is reported by its credential check; the clock needs one answer only.
    }
  }
  return out;
}

/** The public webhook address answers /healthz, when one is configured. */
export async function webhookFindings(config: Config): Promise<Finding[]> {
  const publicUrl = config.webhooks.publicUrl;
  if (!publicUrl) return [pass('webhooks public URL', 'not set: changes arrive by the periodic sweep only')];
  const url = new URL('healthz', publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await res.arrayBuffer();
    return res.ok
      ? [pass('webhooks public URL')]
      : [
          fail(
            'webhooks public URL',
            `${url} answered HTTP ${res.status}`,
            'start the receiver (`vahub start`) and check the proxy or tunnel in front of it',
          ),
        ];
  } catch {
    return [
      fail(
        'webhooks public URL',
        `${url} did not answer`,
        'start the receiver and check the tunnel or reverse proxy that forwards to it',
      ),
    ];
  }
}

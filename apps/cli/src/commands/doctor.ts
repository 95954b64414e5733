import { ConfigError } from '@vahub/core';
import { connectors, loadVahubConfig } from '@vahub/registry';
import { CliError, EXIT } from '../frame/exit.js';
import { commandContext, writeJson } from '../frame/options.js';
import { connectRedis, encryptionKey, openRuntime } from '../frame/runtime.js';
import type { Io } from '../io.js';
import {
  clientFindings,
  clockFindings,
  credentialFindings,
  type Finding,
  redisFindings,
  secretFindings,
  settingFindings,
  webhookFindings,
} from './doctor-checks.js';

export const DOCTOR_USAGE = `Usage: vahub doctor [--config FILE] [--json] [--debug]

Checks everything a person would otherwise check by hand, and says how to fix each failure: the
config; every secret; Redis (reachable, noeviction, persistence); each app's credential; each
client's projects, time tracking, Xero organisation and contact, and that its Xero account code is
an active revenue account, its tax type active and usable on revenue, and its billing currency the
organisation's base currency or a subscribed one (one read per organisation); the clock; the public
webhook URL. A wrong id's fix names \`vahub ids APP\`, which lists the right ones.
Exit 0 when all is well, 1 when something needs fixing.
`;

export interface DoctorDeps {
  env?: NodeJS.ProcessEnv;
}

/** `vahub doctor`. */
export async function doctorCommand(argv: readonly string[], io: Io, deps: DoctorDeps = {}): Promise<number> {
  const ctx = commandContext(argv, io, { usage: DOCTOR_USAGE, env: deps.env });
  if (!ctx) return EXIT.ok;
  if (ctx.positionals.length > 0)
    throw new CliError(`doctor takes no arguments, got "${ctx.positionals[0]}"`, EXIT.usage);
  const findings = await examine(ctx.configFile, ctx.env, ctx.progress);
  const failed = findings.filter((f) => !f.ok);
  if (ctx.json) writeJson(io, { ok: failed.length === 0, findings });
  else {
    for (const f of findings) {
      if (f.ok)
        io.out.write(`${ctx.style.ok('✓')} ${f.check}${f.problem ? ctx.style.dim(` (${f.problem})`) : ''}\n`);
      else io.out.write(`${ctx.style.bad('✗')} ${f.check}: ${f.problem}\n    fix: ${f.fix}\n`);
    }
    io.out.write(
      failed.length === 0
        ? 'All good.\n'
        : `${failed.length} problem${failed.length === 1 ? '' : 's'} to fix.\n`,
    );
  }
  return failed.length === 0 ? EXIT.ok : EXIT.problems;
}

async function examine(
  file: string,
  env: NodeJS.ProcessEnv,
  progress: (t: string) => void,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  try {
    await loadVahubConfig(file, { env });
    findings.push({ check: 'config', ok: true });
  } catch (err) {
    if (!(err instanceof ConfigError) && !(err instanceof Error && /does not exist/.test(err.message)))
      throw err;
    if (err instanceof ConfigError) {
      // A missing secret is the environment's fault, not the file's: name the variable.
      const secrets = err.issues.flatMap((i) => secretFinding(i.path));
      if (secrets.length === err.issues.length) return [{ check: 'config', ok: true }, ...secrets];
    }
    const exists = !/does not exist/.test(err.message);
    return [
      {
        check: 'config',
        ok: false,
        problem: err.message,
        fix: exists
          ? 'correct each path named above (`vahub check` repeats them)'
          : 'run `vahub init`, or pass --config FILE',
      },
    ];
  }
  try {
    encryptionKey(env);
    findings.push({ check: 'secret VAHUB_ENCRYPTION_KEY', ok: true });
  } catch (err) {
    findings.push({
      check: 'secret VAHUB_ENCRYPTION_KEY',
      ok: false,
      problem: (err as Error).message,
      fix: 'export VAHUB_ENCRYPTION_KEY=$(openssl rand -hex 32), and keep it: the stored grants need it',
    });
    return findings;
  }
  let redis: Awaited<ReturnType<typeof connectRedis>>;
  try {
    redis = await connectRedis(env);
    findings.push({ check: 'redis reachable', ok: true });
  } catch (err) {
    findings.push({
      check: 'redis reachable',
      ok: false,
      problem: (err as Error).message,
      fix: 'start Redis with persistence and noeviction, or set REDIS_URL',
    });
    return findings;
  }
  try {
    findings.push(...(await redisFindings(redis)));
  } finally {
    redis.disconnect();
  }
  progress('Checking each app…');
  const runtime = await openRuntime(file, env);
  try {
    findings.push(...secretFindings(runtime.config));
    findings.push(...(await credentialFindings(runtime)));
    findings.push(...(await clientFindings(runtime)));
    findings.push(...(await settingFindings(runtime)));
    findings.push(...(await clockFindings(runtime.config)));
    findings.push(...(await webhookFindings(runtime.config)));
  } finally {
    await runtime.close();
  }
  return findings;
}

/** `auth.<connector>.<key>` as the variable that sets it, with where to find the value. */
function secretFinding(path: string): Finding[] {
  const [, id, key] = /^auth\.([^.]+)\.([^.]+)$/.exec(path) ?? [];
  const connector = connectors.find((c) => c.id === id);
  const specs = connector?.config.secrets as Record<string, { env: string; description: string }> | undefined;
  const spec = specs?.[key ?? ''];
  if (!connector || !spec) return [];
  return [
    {
      check: `secret ${spec.env}`,
      ok: false,
      problem: `${spec.env} is not set (${connector.title}: ${spec.description})`,
      fix: `export ${spec.env}=…; ${connector.auth.howToGet}`,
    },
  ];
}

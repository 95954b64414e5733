import { MemoryLock, silentLogger, type TokenStore } from '@vahub/core';
import { gatherSnapshot, statusText } from '@vahub/dashboard';
import { buildConnectors } from '@vahub/registry';
import { CliError, EXIT } from '../frame/exit.js';
import { commandContext, writeJson } from '../frame/options.js';
import { loadConfigOrExplain, openRuntime } from '../frame/runtime.js';
import { printableText } from '../frame/style.js';
import type { Io } from '../io.js';
import { type StatusRuntime, statusSources } from '../service/snapshot.js';

/**
 * The grants live in Redis: with Redis down every read says so. An empty store would have the OAuth
 * apps report "reconnect" for grants that are fine, and send the VA through `vahub connect` for nothing.
 */
function unreachableGrants(why: string): TokenStore {
  const fail = async (): Promise<never> => {
    throw new Error(why);
  };
  return { get: fail, set: fail, delete: fail, read: fail, replace: fail };
}

/**
 * With Redis down: the apps that need no stored grant (a token in the environment) are still read;
 * the queues, the connections and the OAuth apps are reported unavailable with Redis's message.
 */
async function withoutRedis(
  file: string,
  env: NodeJS.ProcessEnv,
  why: string,
): Promise<StatusRuntime & { close(): Promise<void> }> {
  const config = await loadConfigOrExplain(file, env);
  const tokens = unreachableGrants(why);
  const built = buildConnectors(config, { tokens, lock: new MemoryLock(), logger: silentLogger });
  return { config, built, tokens, env, redis: null, redisDown: why, close: () => built.close() };
}

export const STATUS_USAGE = `Usage: vahub status [--config FILE] [--json]

Per client: the next blocks, late and at-risk tasks, unbilled hours and amount, retainer use, the
last drafts and their state in the invoicing app. Per queue: waiting, active and failed jobs, with
each failure's reason. Connections that need \`vahub connect\` again. The same snapshot the
dashboard shows (its /api/snapshot is --json's output). A part whose app does not answer is shown
as unavailable, with the reason; the rest is still printed.
`;

/** `vahub status`: the dashboard's snapshot, as text or JSON. */
export async function statusCommand(
  argv: readonly string[],
  io: Io,
  deps: { env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const ctx = commandContext(argv, io, { usage: STATUS_USAGE, env: deps.env });
  if (!ctx) return EXIT.ok;
  if (ctx.positionals.length > 0)
    throw new CliError(`status takes no arguments, got "${ctx.positionals[0]}"`, EXIT.usage);
  let redisDown: string | null = null;
  const runtime = await openRuntime(ctx.configFile, ctx.env).catch((err: unknown) => {
    if (!(err instanceof CliError) || err.exitCode !== EXIT.unreachable) throw err;
    redisDown = err.message;
    return withoutRedis(ctx.configFile, ctx.env, err.message);
  });
  const sources = statusSources(runtime);
  try {
    ctx.progress('Reading the apps and the queues…');
    const snapshot = await gatherSnapshot(sources.deps);
    if (ctx.json) writeJson(io, snapshot);
    else io.out.write(`${printableText(statusText(snapshot).trimEnd())}\n`);
    if (redisDown !== null) io.err.write(`vahub status: ${redisDown}\n`);
    // Printed all it could; a script still learns that a dependency is down.
    return redisDown === null ? EXIT.ok : EXIT.unreachable;
  } finally {
    await sources.close();
    await runtime.close();
  }
}

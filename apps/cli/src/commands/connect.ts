import { spawn } from 'node:child_process';
import { connectors } from '@vahub/registry';
import { CliError, EXIT } from '../frame/exit.js';
import { type CommandContext, commandContext, stringOption, writeJson } from '../frame/options.js';
import { loadConfigOrExplain, openRuntime, openStore, storedSecretKey } from '../frame/runtime.js';
import type { Io } from '../io.js';

const IDS = connectors.map((c) => c.id);

export const CONNECT_USAGE = `Usage: vahub connect ${IDS.join('|')} [options]
       vahub disconnect ${IDS.join('|')} [options]

Token apps (asana, toggl): the token is read from its variable (ASANA_TOKEN, TOGGL_API_TOKEN) or,
with --token-stdin, from standard input; checked with one call, then kept in the encrypted store.
OAuth apps (google, xero): consent in the browser, back to a loopback address on this machine.

  --no-browser          print the consent address instead of opening a browser (headless server)
  --redirect-uri URI    the loopback address registered for the app (Xero needs the registered one)
  --refresh-token TOKEN import a grant made elsewhere ("-" reads it from standard input)
  --token-stdin         read the token of a token app from standard input
  --timeout SECONDS     how long to wait for consent (default 300)
  --config FILE         default vahub.config.yaml
  --json                print the result as JSON
  --debug               print stack traces of unexpected errors

disconnect revokes the grant at the app (OAuth apps) and forgets what vahub stored.
`;

const OPTIONS = {
  'no-browser': 'flag',
  'redirect-uri': 'value',
  'refresh-token': 'value',
  'token-stdin': 'flag',
  timeout: 'value',
} as const;

export interface ConnectDeps {
  env?: NodeJS.ProcessEnv;
  stdin?: AsyncIterable<Buffer | string>;
}

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return text.trim();
}

function whichApp(ctx: CommandContext, verb: string) {
  const [id, ...extra] = ctx.positionals;
  if (id === undefined) throw new CliError(`say which app: vahub ${verb} ${IDS.join('|')}`, EXIT.usage);
  if (extra.length > 0) throw new CliError(`unexpected "${extra[0]}"`, EXIT.usage);
  const connector = connectors.find((c) => c.id === id);
  if (!connector) throw new CliError(`unknown app "${id}": use one of ${IDS.join(', ')}`, EXIT.usage);
  return connector;
}

/** Open the VA's browser at `url`; the address is printed as well, in case no browser opens. */
function openBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'start' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

/** `vahub connect <app>`. */
export async function connectCommand(
  argv: readonly string[],
  io: Io,
  deps: ConnectDeps = {},
): Promise<number> {
  const ctx = commandContext(argv, io, { usage: CONNECT_USAGE, options: OPTIONS, env: deps.env });
  if (!ctx) return EXIT.ok;
  const connector = whichApp(ctx, 'connect');
  const stdin = deps.stdin ?? process.stdin;
  await loadConfigOrExplain(ctx.configFile, ctx.env);

  if (connector.auth.kind === 'token') {
    const spec = (connector.config.secrets as Record<string, { env: string }>)[connector.auth.secret];
    const variable = spec?.env ?? '';
    const token = ctx.options['token-stdin'] ? await readAll(stdin) : ctx.env[variable];
    if (!token) {
      throw new CliError(
        `no ${connector.title} token: set ${variable} or pipe it in with --token-stdin. Where to find it: ${connector.auth.howToGet}`,
        EXIT.usage,
      );
    }
    const runtime = await openRuntime(ctx.configFile, { ...ctx.env, [variable]: token });
    try {
      const account = await runtime.instance(connector.id).whoami?.();
      await runtime.tokens.set(storedSecretKey(connector.id), {
        accessToken: token,
        refreshToken: null,
        expiresAt: Number.MAX_SAFE_INTEGER,
      });
      return done(ctx, { app: connector.id, account: account ?? null, stored: true });
    } finally {
      await runtime.close();
    }
  }

  const runtime = await openRuntime(ctx.configFile, ctx.env);
  try {
    const instance = runtime.instance(connector.id);
    const refresh = stringOption(ctx, 'refresh-token');
    if (refresh !== undefined) {
      const refreshToken = refresh === '-' ? await readAll(stdin) : refresh;
      if (!refreshToken) throw new CliError('--refresh-token - read nothing from standard input', EXIT.usage);
      // Expired on purpose: the first call trades the refresh token, which proves the grant.
      await runtime.tokens.set(connector.auth.tokenKey, {
        accessToken: '',
        refreshToken,
        expiresAt: 0,
        issuedAt: 0,
      });
      const account = await instance.whoami?.();
      return done(ctx, { app: connector.id, account: account ?? null, imported: true });
    }
    if (!instance.oauth) throw new CliError(`${connector.title} has no consent flow`, EXIT.usage);
    const seconds = Number(stringOption(ctx, 'timeout') ?? 300);
    if (!Number.isFinite(seconds) || seconds <= 0)
      throw new CliError('--timeout takes a number of seconds', EXIT.usage);
    const headless = ctx.options['no-browser'] === true;
    const redirectUri = stringOption(ctx, 'redirect-uri');
    const result = await instance.oauth.connect({
      timeoutMs: seconds * 1000,
      ...(redirectUri ? { redirectUri } : {}),
      open: async (url) => {
        io.err.write(
          `Open this address in a browser and allow vahub access to ${connector.title}:\n${url}\n`,
        );
        if (!headless) openBrowser(url);
      },
    });
    const account = await instance.whoami?.();
    return done(ctx, {
      app: connector.id,
      account: account ?? null,
      scope: result.scope ?? null,
      reaches: result.reaches ?? [],
    });
  } finally {
    await runtime.close();
  }
}

function done(
  ctx: CommandContext,
  result: { app: string; account: string | null } & Record<string, unknown>,
): number {
  if (ctx.json) writeJson(ctx.io, { ok: true, ...result });
  else {
    const who = result.account ? ` as ${result.account}` : '';
    ctx.io.out.write(`${ctx.style.ok('✓')} ${result.app} connected${who}; kept in the encrypted store.\n`);
  }
  return EXIT.ok;
}

/** `vahub disconnect <app>`: revoke at the app where it can be revoked, and forget. */
export async function disconnectCommand(
  argv: readonly string[],
  io: Io,
  deps: ConnectDeps = {},
): Promise<number> {
  const ctx = commandContext(argv, io, { usage: CONNECT_USAGE, env: deps.env });
  if (!ctx) return EXIT.ok;
  const connector = whichApp(ctx, 'disconnect');
  if (connector.auth.kind === 'token') {
    const { redis, tokens } = await openStore(ctx.env);
    try {
      await tokens.delete(storedSecretKey(connector.id));
    } finally {
      redis.disconnect();
    }
  } else {
    const runtime = await openRuntime(ctx.configFile, ctx.env);
    try {
      await runtime.instance(connector.id).oauth?.disconnect?.();
      await runtime.tokens.delete(connector.auth.tokenKey);
    } finally {
      await runtime.close();
    }
  }
  if (ctx.json) writeJson(io, { ok: true, app: connector.id, disconnected: true });
  else
    io.out.write(
      `${connector.id} disconnected: vahub no longer holds its ${connector.auth.kind === 'token' ? 'token' : 'grant'}.\n`,
    );
  return EXIT.ok;
}

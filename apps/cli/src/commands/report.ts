import { writeFile } from 'node:fs/promises';
import {
  type CalendarPort,
  type ClientConfig,
  isIsoWeek,
  type Lock,
  type ReportArchive,
  type ReportPublisher,
  type ReportsConfig,
  silentLogger,
  type TaskSource,
  type TimeSource,
} from '@vahub/core';
import {
  createRedis,
  encryptionKeyFrom,
  RedisLock,
  RedisReportStore,
  RedisStateStore,
  RedisTokenStore,
} from '@vahub/jobs';
import { buildConnectors, loadVahubConfig, neutralClient } from '@vahub/registry';
import { weeklyReport } from '@vahub/worker';
import { parseArgs } from '../args.js';
import { printableText } from '../frame/style.js';
import type { Io } from '../io.js';
import { htmlToPdf } from './report-pdf.js';

export const REPORT_USAGE = `Usage: vahub report weekly --client ID [--week 2026-W49] [--format html|md|text|pdf] [--out FILE] [--post] [--config FILE]

  --client ID    the client (its id in the config)
  --week WEEK    an ISO week in the client's zone (default: this week from Thursday on, else last week)
  --format F     html (default), md, text, or pdf (needs --out and Chromium)
  --out FILE     write the report there instead of printing it
  --post         also post it where the client's config says (e.g. an Asana status update), once a week
  --config FILE  default vahub.config.yaml
`;

const FORMATS = ['html', 'md', 'text', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

/** What the command reads and writes through: the config's clients, the ports, and where reports are kept. */
export interface ReportRuntime {
  clients: readonly ClientConfig[];
  reports: ReportsConfig;
  ports: { tasks: TaskSource; time: TimeSource; calendar: CalendarPort; reports?: ReportPublisher };
  archive?: ReportArchive;
  lock?: Lock;
  close(): Promise<void>;
}

export interface ReportCommandDeps {
  /** Load the config and build the ports. @defaultValue the connectors on Redis-held tokens (`openRuntime`) */
  open(configFile: string): Promise<ReportRuntime>;
  /** @defaultValue Date.now */
  now(): number;
  /** Where Chromium is, for `--format pdf`. @defaultValue `VAHUB_CHROMIUM`, else `chromium` on the PATH */
  chromium?: string;
}

/**
 * The connectors as the service builds them: tokens (from `vahub connect`), locks and state in
 * Redis (`REDIS_URL`, default 127.0.0.1:6379), sealed with `VAHUB_ENCRYPTION_KEY`.
 */
export async function openRuntime(
  configFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ReportRuntime> {
  const config = await loadVahubConfig(configFile, { env });
  const key = encryptionKeyFrom(env.VAHUB_ENCRYPTION_KEY);
  const redis = createRedis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const lock = new RedisLock({ redis });
  const built = buildConnectors(config, {
    tokens: new RedisTokenStore({ redis, key }),
    lock,
    logger: silentLogger,
    state: new RedisStateStore({ redis, encryptionKey: key }),
  });
  return {
    clients: config.clients.map(neutralClient),
    reports: config.reports,
    ports: built.ports,
    archive: new RedisReportStore({ redis }),
    lock,
    close: async () => {
      await built.close();
      await redis.quit();
    },
  };
}

function usage(io: Io, message: string): number {
  io.err.write(`vahub report: ${message}\n\n${REPORT_USAGE}`);
  return 2;
}

/** `vahub report weekly …`: prepare one client's weekly report and print or write it. */
export async function reportCommand(
  argv: readonly string[],
  io: Io,
  given: Partial<ReportCommandDeps> = {},
): Promise<number> {
  const args = parseArgs(argv, {
    client: 'value',
    week: 'value',
    format: 'value',
    out: 'value',
    config: 'value',
    post: 'flag',
    help: 'flag',
  });
  if (!args.ok) return usage(io, args.error);
  if (args.options.help) {
    io.out.write(REPORT_USAGE);
    return 0;
  }
  const [kind, ...extra] = args.positionals;
  if (kind !== 'weekly')
    return usage(io, kind === undefined ? 'say which report: weekly' : `unknown report "${kind}"`);
  if (extra.length > 0) return usage(io, `unexpected "${extra[0]}"`);
  const clientId = args.options.client;
  if (typeof clientId !== 'string') return usage(io, 'give the client: --client ID');
  const week = args.options.week;
  if (typeof week === 'string' && !isIsoWeek(week)) {
    return usage(io, `--week "${week}" is not an ISO week: write it like 2026-W49`);
  }
  const format = (args.options.format ?? 'html') as Format;
  if (!FORMATS.includes(format))
    return usage(io, `--format must be one of ${FORMATS.join(', ')}, got "${format}"`);
  const out = typeof args.options.out === 'string' ? args.options.out : null;
  if (format === 'pdf' && out === null) return usage(io, '--format pdf writes a file: add --out FILE');
  const configFile = typeof args.options.config === 'string' ? args.options.config : 'vahub.config.yaml';

  const runtime = await (given.open ?? openRuntime)(configFile);
  try {
    const client = runtime.clients.find((c) => c.id === clientId);
    if (!client) {
      io.err.write(
        `vahub report: no client "${clientId}" in ${configFile}: use one of ${runtime.clients.map((c) => c.id).join(', ')}\n`,
      );
      return 1;
    }
    const { stored, destination, published } = await weeklyReport({
      client,
      ...(typeof week === 'string' ? { week } : {}),
      now: (given.now ?? Date.now)(),
      ...runtime.ports,
      ...(runtime.archive ? { archive: runtime.archive } : {}),
      ...(runtime.lock ? { lock: runtime.lock } : {}),
      publish: args.options.post === true,
      lookaheadDays: runtime.reports.weekly.lookaheadDays,
    });
    const body = format === 'md' ? stored.markdown : format === 'text' ? stored.text : stored.html;
    // To the terminal: the apps' text in it (task and client names) made safe to print.
    if (out === null) io.out.write(printableText(body));
    else if (format === 'pdf') {
      await htmlToPdf({ html: stored.html, out, ...(given.chromium ? { chromium: given.chromium } : {}) });
    } else await writeFile(out, body, 'utf8');
    const what = `Weekly report ${stored.week} for ${client.id}`;
    const where = out === null ? '' : ` written to ${out}`;
    const posted =
      published === null
        ? destination === null
          ? 'it waits for you to send (no posting configured)'
          : `not posted (add --post to post it to ${destination})`
        : published.outcome === 'posted'
          ? `posted to ${destination}`
          : `already posted to ${destination} this week`;
    io.err.write(`${what}${where}; ${posted}.\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

import {
  buildInvoiceDraft,
  type ClientConfig,
  formatInstant,
  formatPreviewText,
  type Period,
  periodContaining,
  previewObject,
  previousPeriod,
  retainerAlreadyInvoicedHours,
  startOfLocalDate,
} from '@vahub/core';
import { RedisLock } from '@vahub/jobs';
import { neutralClient } from '@vahub/registry';
import { draftInvoices } from '@vahub/worker';
import { CliError, EXIT } from '../frame/exit.js';
import { type CommandContext, commandContext, stringOption, writeJson } from '../frame/options.js';
import { openRuntime, type Runtime } from '../frame/runtime.js';
import { printableText } from '../frame/style.js';
import type { Io } from '../io.js';

export const INVOICE_USAGE = `Usage: vahub invoice preview|draft --client ID [--period 2026-11] [options]

  preview          the engine's draft with its explanation (lines, rounding, retainer, exclusions);
                   nothing is created or tagged
  draft            create it as a draft in the accounting app and tag the time it covers (idempotent:
                   a second run answers the same draft)
  --client ID      the client (its id in the config)
  --period P       a month (2026-11), or a day (2026-11-16) for the week that contains it, in the
                   client's zone (default: the client's previous billing period)
  --config FILE    default vahub.config.yaml
  --json           print the result as JSON
  --debug          print stack traces of unexpected errors
`;

/** The billing period asked for, in the client's zone; by default the one before now. */
export function billingPeriod(client: ClientConfig, text: string | undefined, now: number): Period {
  const zone = client.timezone;
  const { weekStartsOn } = client.billing;
  if (text === undefined) {
    const kind = client.billing.cycle === 'weekly' ? 'week' : 'month';
    return previousPeriod(periodContaining(kind, now, zone, weekStartsOn), weekStartsOn);
  }
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (month) return periodContaining('month', startOfLocalDate(`${text}-01`, zone), zone, weekStartsOn);
  if (/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(text)) {
    try {
      return periodContaining('week', startOfLocalDate(text, zone), zone, weekStartsOn);
    } catch {
      // Falls through to the usage error: 2026-02-30 is no date.
    }
  }
  throw new CliError(`--period "${text}" is neither a month (2026-11) nor a date (2026-11-16)`, EXIT.usage);
}

export function clientOf(ctx: CommandContext, runtime: Runtime): ClientConfig {
  const id = stringOption(ctx, 'client');
  if (id === undefined) throw new CliError('give the client: --client ID', EXIT.usage);
  const found = runtime.config.clients.find((c) => c.id === id);
  if (!found) {
    throw new CliError(
      `no client "${id}" in ${ctx.configFile}: use one of ${runtime.config.clients.map((c) => c.id).join(', ')}`,
      EXIT.usage,
    );
  }
  return neutralClient(found);
}

/** `vahub invoice preview|draft`. */
export async function invoiceCommand(
  argv: readonly string[],
  io: Io,
  deps: { env?: NodeJS.ProcessEnv; now?: () => number } = {},
): Promise<number> {
  const ctx = commandContext(argv, io, {
    usage: INVOICE_USAGE,
    options: { client: 'value', period: 'value' },
    env: deps.env,
  });
  if (!ctx) return EXIT.ok;
  const [action, ...extra] = ctx.positionals;
  if (action !== 'preview' && action !== 'draft') {
    throw new CliError(
      `${action === undefined ? 'say what to do' : `unknown "${action}"`}: vahub invoice preview|draft\n\n${INVOICE_USAGE}`,
      EXIT.usage,
    );
  }
  if (extra.length > 0) throw new CliError(`unexpected "${extra[0]}"`, EXIT.usage);
  if (stringOption(ctx, 'client') === undefined)
    throw new CliError(`give the client: --client ID\n\n${INVOICE_USAGE}`, EXIT.usage);
  const runtime = await openRuntime(ctx.configFile, ctx.env);
  try {
    const client = clientOf(ctx, runtime);
    const period = billingPeriod(client, stringOption(ctx, 'period'), (deps.now ?? Date.now)());
    const { time, invoices } = runtime.built.ports;
    ctx.progress(
      `Reading ${client.id}'s time for ${period.firstDate} – ${period.lastDate} (${period.zone})…`,
    );
    const names = await time.names(client.id);
    if (action === 'preview') {
      const entries = await time.listTimeEntries({
        clientId: client.id,
        start: formatInstant(period.start),
        end: formatInstant(period.end),
      });
      const common = {
        clientId: client.id,
        billing: client.billing,
        target: invoices.target(client.id),
        period,
        entries,
      };
      const preview = buildInvoiceDraft({
        ...common,
        names,
        invoicedTag: client.billing.invoicedTag,
        retainerAlreadyInvoicedHours: retainerAlreadyInvoicedHours(common),
      });
      if (ctx.json) writeJson(io, { client: client.id, period, preview: previewObject(preview) });
      else
        io.out.write(
          `${client.name} (${client.id}), ${period.firstDate} – ${period.lastDate} in ${period.zone}\n${printableText(formatPreviewText(preview))}`,
        );
      return EXIT.ok;
    }
    const result = await draftInvoices({
      client,
      period,
      time,
      invoices,
      names,
      lock: new RedisLock({
        redis: runtime.redis,
        ...(ctx.env.VAHUB_PREFIX ? { prefix: ctx.env.VAHUB_PREFIX } : {}),
      }),
    });
    const invoice = result.invoice;
    if (ctx.json) {
      writeJson(io, {
        client: client.id,
        period,
        preview: previewObject(result.preview),
        invoice,
        tagged: result.tagged.length,
      });
    } else {
      io.out.write(printableText(formatPreviewText(result.preview)));
      io.out.write(
        invoice
          ? `Draft ${invoice.invoiceNumber ?? invoice.invoiceId} (${invoice.status}), total ${invoice.total}; ${result.tagged.length} entries tagged.\n`
          : `No draft: ${result.preview.reason}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await runtime.close();
  }
}

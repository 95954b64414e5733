import {
  type ClientConfig,
  dec,
  formatLocal,
  type IsoInstant,
  MemoryLock,
  MemoryTokenStore,
  type NameLookup,
  type Period,
  parseInstant,
  periodContaining,
  previousPeriod,
  type TimeSource,
  toFixed,
} from '@vahub/core';
import type { Config } from '@vahub/registry';
import { type DraftInvoicesResult, draftInvoices, type ScheduleSummary, scheduleTasks } from '@vahub/worker';
import { demoConfig } from './config.js';
import { connectPorts, type DemoPorts } from './connect.js';
import { type DemoFakes, demoEnv, startFakes, stopFakes } from './fakes.js';
import { agendaLines, countsLine, place, unplacedLines } from './print-agenda.js';
import { invoiceLines, rerunLine, type XeroFigures } from './print-invoices.js';
import { seedAsana } from './seed-asana.js';
import { seedGoogle } from './seed-google.js';
import { seedToggl } from './seed-toggl.js';
import { seedXero } from './seed-xero.js';
import { type DemoDashboard, runServicePart, type ServicePartResult } from './service/run-service.js';

/** Where the demo writes: `process.stdout`, or anything with `write` (tests collect the text). */
export interface DemoOutput {
  write(text: string): unknown;
}

export interface DemoOptions {
  out: DemoOutput;
  /** The demo's "now". @defaultValue 2026-11-30T07:00:00Z, a Monday morning in Budapest */
  now?: IsoInstant;
  /** @defaultValue the repository's vahub.config.example.yaml */
  configFile?: string;
  /** Part 3, the service on Redis: the week played through webhooks. @defaultValue true */
  service?: boolean;
  /** Serves the dashboard over the running service (the CLI passes `startDashboard`). */
  dashboard?: DemoDashboard;
}

export interface ClientInvoiceRun {
  client: Config['clients'][number];
  result: DraftInvoicesResult;
}

/** What happened, for tests: the fakes (stopped, their data still readable) and each flow's result. */
export interface DemoResult {
  now: IsoInstant;
  config: Config;
  fakes: DemoFakes;
  schedule: { first: ScheduleSummary; second: ScheduleSummary };
  invoices: { first: ClientInvoiceRun[]; second: ClientInvoiceRun[] };
  /** Part 3; null when `service: false`. */
  service: ServicePartResult | null;
}

export const DEMO_NOW = '2026-11-30T07:00:00Z';

/** The billing period before the one `now` falls in, by the client's cycle and zone. */
export function previousBillingPeriod(client: ClientConfig, now: IsoInstant): Period {
  const kind = client.billing.cycle === 'weekly' ? 'week' : 'month';
  const { weekStartsOn } = client.billing;
  return previousPeriod(
    periodContaining(kind, parseInstant(now), client.timezone, weekStartsOn),
    weekStartsOn,
  );
}

/**
 * `vahub demo`: vahub's two promises end to end, on local fakes of Asana, Google Calendar, Toggl
 * and Xero, through the real connectors and SDKs. Deterministic for a fixed `now`; every server is
 * closed before it returns, also on failure.
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const now = options.now ?? DEMO_NOW;
  const say = (line = '') => options.out.write(`${line}\n`);
  const fakes = await startFakes();
  try {
    const config = await demoConfig(demoEnv(fakes), options.configFile);
    const va = config.va.timezone;
    say('vahub demo: Asana, Google Calendar, Toggl and Xero are local fakes on 127.0.0.1;');
    say('everything else is the real thing: config loader, connectors, vendor SDKs, OAuth, engines, flows.');
    say(`Now: ${formatLocal(parseInstant(now), va)} in ${place(va)} (${now}).`);
    const seeded = {
      asana: seedAsana(fakes.asana),
      google: seedGoogle(fakes.google),
      toggl: seedToggl(fakes.toggl),
      xero: seedXero(fakes.xero, config.clients),
    };
    say(
      `Seeded: ${seeded.asana.tasks} Asana tasks, ${seeded.google.meetings} calendar events, ` +
        `${seeded.toggl.entries} Toggl entries, ${seeded.xero.contacts} Xero contacts in ${fakes.xero.tenants.size} organisations.`,
    );
    const grants = new MemoryTokenStore();
    const ports = await connectPorts(config, { store: grants });
    say(
      `Connected: Google (OAuth consent, loopback redirect, PKCE), Xero (OAuth consent, ${ports.xeroConnections.length} organisations), Asana and Toggl by token.`,
    );
    const schedule = await scheduleTwice({ config, ports, now, say });
    const invoices = await invoiceTwice({ config, ports, fakes, now, say });
    const service =
      options.service === false
        ? null
        : await runServicePart({
            config,
            fakes,
            grants,
            env: demoEnv(fakes),
            now,
            say,
            ...(options.dashboard ? { dashboard: options.dashboard } : {}),
          });
    return { now, config, fakes, schedule, invoices, service };
  } finally {
    await stopFakes(fakes);
  }
}

async function scheduleTwice(input: {
  config: Config;
  ports: DemoPorts;
  now: IsoInstant;
  say: (line?: string) => void;
}): Promise<DemoResult['schedule']> {
  const { config, ports, now, say } = input;
  const run = () => scheduleTasks({ config, tasks: ports.tasks, calendar: ports.calendar, now });
  say();
  say('1. Asana tasks become focus blocks in Google Calendar (vahub schedule)');
  const first = await run();
  say(`   ${countsLine(first)}`);
  say();
  for (const line of agendaLines(first, { vaZone: config.va.timezone, clients: config.clients })) say(line);
  if (first.unplaced.length > 0) {
    say();
    say('   Late or short of time:');
    for (const line of unplacedLines(first, config.clients)) say(line);
  }
  say();
  const second = await run();
  say(`   Run again: ${countsLine(second)}. Nothing changes when nothing changed.`);
  return { first, second };
}

async function invoiceTwice(input: {
  config: Config;
  ports: DemoPorts;
  fakes: DemoFakes;
  now: IsoInstant;
  say: (line?: string) => void;
}): Promise<DemoResult['invoices']> {
  const { config, ports, fakes, now, say } = input;
  const names = await namesOf(ports.time, config.clients);
  const lock = new MemoryLock();
  const run = async (): Promise<ClientInvoiceRun[]> => {
    const runs: ClientInvoiceRun[] = [];
    for (const client of config.clients) {
      const period = previousBillingPeriod(client, now);
      const result = await draftInvoices({
        client,
        period,
        time: ports.time,
        invoices: ports.invoices,
        names,
        lock,
      });
      runs.push({ client, result });
    }
    return runs;
  };
  say();
  say("2. Toggl time becomes Xero draft invoices, for each client's last billing period (vahub invoice)");
  const first = await run();
  for (const { client, result } of first) {
    say();
    for (const line of invoiceLines({ client, result, xero: xeroFigures(fakes, client, result) })) say(line);
  }
  say();
  const second = await run();
  say('   Run again:');
  for (const { client, result } of second) say(rerunLine(client, result));
  const count = [...fakes.xero.tenants.keys()].reduce((n, t) => n + fakes.xero.invoices(t).length, 0);
  say(`   Xero holds ${count} draft invoices: nothing was billed twice.`);
  return { first, second };
}

/** What Xero itself shows for the created invoice (read from the fake, as the VA would read Xero). */
function xeroFigures(
  fakes: DemoFakes,
  client: Config['clients'][number],
  result: DraftInvoicesResult,
): XeroFigures | null {
  if (!result.invoice) return null;
  const tenantId = client.xero?.tenantId ?? '';
  const found = fakes.xero.invoices(tenantId).find((i) => i.InvoiceID === result.invoice?.invoiceId);
  if (!found) return null;
  // Xero's JSON numbers have 2 decimals; read them as decimals, not floats.
  const money = (v: unknown) => (typeof v === 'number' ? toFixed(dec(v.toFixed(6)), 2) : String(v));
  return {
    organisation: fakes.xero.tenants.get(tenantId)?.tenantName ?? tenantId,
    subTotal: money(found.SubTotal),
    totalTax: money(found.TotalTax),
    total: money(found.Total),
  };
}

/** The project (and task) names of every client's time, for invoice lines that read as words. */
async function namesOf(time: TimeSource, clients: readonly ClientConfig[]): Promise<NameLookup> {
  const projects: Record<string, string> = {};
  const tasks: Record<string, string> = {};
  for (const client of clients) {
    const found = await time.names(client.id);
    for (const [id, name] of entriesOf(found.projects)) projects[id] = name;
    for (const [id, name] of entriesOf(found.tasks)) tasks[id] = name;
  }
  return { projects, tasks };
}

function entriesOf(map: NameLookup['projects']): [string, string][] {
  if (!map) return [];
  return map instanceof Map ? [...map.entries()] : Object.entries(map);
}

// The demo's world for the weekly report tests: the demo's seeds in the four fakes, a few more
// entries and completed tasks so every client has a week to report, the example config with Koala's
// reports posted to Asana, the real connectors (OAuth included), the demo's schedule and invoices.
import { readFile } from 'node:fs/promises';
import { FakeAsana } from '@vahub/asana/testing';
import { MemoryTokenStore, Temporal } from '@vahub/core';
import { FakeGoogle } from '@vahub/google-calendar/testing';
import { type Config, parseVahubConfig } from '@vahub/registry';
import { FakeToggl } from '@vahub/toggl/testing';
import { draftInvoices, scheduleTasks } from '@vahub/worker';
import { FakeXero } from '@vahub/xero/testing';
import { EXAMPLE_CONFIG } from './config.js';
import { connectPorts, type DemoPorts } from './connect.js';
import { type DemoFakes, demoEnv, stopFakes } from './fakes.js';
import { DEMO_NOW, previousBillingPeriod } from './run-demo.js';
import { seedAsana } from './seed-asana.js';
import { seedGoogle } from './seed-google.js';
import { seedToggl } from './seed-toggl.js';
import { DEMO_XERO_TENANTS, seedXero } from './seed-xero.js';

export const KOALA_PROJECT = '1207000000000001';

export interface ReportWorld {
  fakes: DemoFakes;
  config: Config;
  ports: DemoPorts;
  /** The OAuth grants the connect flows stored. */
  store: MemoryTokenStore;
  /** The environment vahub ran with: the fakes' credentials and URLs. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const at = (local: string, zone: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime(zone).epochMilliseconds;

export async function startReportWorld(): Promise<ReportWorld> {
  let asanaNow = Date.parse('2026-11-23T08:00:00Z');
  const fakes: DemoFakes = {
    asana: new FakeAsana({ now: () => asanaNow }),
    google: new FakeGoogle({ timeZone: 'Europe/Budapest', account: 'reka@example.com' }),
    toggl: new FakeToggl(),
    xero: new FakeXero({ tenants: DEMO_XERO_TENANTS }),
  };
  await Promise.all(Object.values(fakes).map((f) => f.start()));
  try {
    // The demo's week, seeded on Monday 23 November: its one completed task is done then.
    seedAsana(fakes.asana);
    seedGoogle(fakes.google);
    seedToggl(fakes.toggl);
    const done = (name: string, when: string) => {
      asanaNow = Date.parse(when);
      const task = [...fakes.asana.state.tasks.values()].find((t) => t.name === name);
      if (!task) throw new Error(`no demo task "${name}"`);
      fakes.asana.updateTask(task.gid, { completed: true });
    };
    done('Reconcile November receipts', '2026-11-26T15:00:00Z'); // Fri 27 Nov in Sydney
    done('File the intake call notes', '2026-11-20T15:00:00Z'); // the week before
    asanaNow = Date.parse(DEMO_NOW);
    // Time in the current periods: a week-48 hour of Koala's, Thames this Monday, Hudson in November.
    const entry = (
      workspace: number,
      project: number,
      description: string,
      zone: string,
      span: [string, string],
    ) => ({
      workspace_id: workspace,
      project_id: project,
      description,
      start: at(span[0], zone),
      stop: at(span[1], zone),
      billable: true,
    });
    fakes.toggl.seedEntries([
      entry(4242, 190001, 'Advent calendar posts', 'Australia/Sydney', [
        '2026-11-25T10:00',
        '2026-11-25T10:40',
      ]),
      entry(4242, 190101, 'Portfolio refresh', 'Europe/London', ['2026-11-30T05:00', '2026-11-30T06:30']),
      entry(5151, 190201, 'Engagement letters', 'America/New_York', [
        '2026-11-02T09:00',
        '2026-11-02T10:20:30',
      ]),
    ]);
    const env = demoEnv(fakes);
    const text = (await readFile(EXAMPLE_CONFIG, 'utf8')).replace(
      `asana: { projects: ["${KOALA_PROJECT}"], defaultEstimateMinutes: 60 }`,
      `asana: { projects: ["${KOALA_PROJECT}"], defaultEstimateMinutes: 60, weeklyReport: { post: true } }`,
    );
    if (!text.includes('weeklyReport'))
      throw new Error('the example config no longer has Koala’s asana line');
    const config = parseVahubConfig(text, { env, source: 'report-world' });
    seedXero(fakes.xero, config.clients);
    const store = new MemoryTokenStore();
    const ports = await connectPorts(config, { store });
    await scheduleTasks({ config, tasks: ports.tasks, calendar: ports.calendar, now: DEMO_NOW });
    // Last period's invoices, as the demo drafts them: Thames's week 48 is then tagged as invoiced.
    for (const client of config.clients) {
      await draftInvoices({
        client,
        period: previousBillingPeriod(client, DEMO_NOW),
        time: ports.time,
        invoices: ports.invoices,
      });
    }
    return { fakes, config, ports, store, env, stop: () => stopFakes(fakes) };
  } catch (err) {
    await stopFakes(fakes);
    throw err;
  }
}

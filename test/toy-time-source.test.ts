// A second provider for a port, written only here: time read from a CSV file instead of Toggl. It
// is declared as a connector descriptor, listed in a registry beside the real Asana, Google and
// Xero connectors, and invoiced by the worker's unchanged draftInvoices flow. Core and the worker
// know nothing of it: that is the point of the descriptor.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asanaConnector } from '@vahub/asana';
import {
  ConnectorError,
  defineConnector,
  MemoryLock,
  MemoryStateStore,
  MemoryTokenStore,
  type NameLookup,
  parseConfig,
  periodContaining,
  silentLogger,
  type TimeEntry,
  type TimeQuery,
  type TimeSource,
} from '@vahub/core';
import { googleCalendarConnector } from '@vahub/google-calendar';
import { buildConnectors } from '@vahub/registry';
import { draftInvoices } from '@vahub/worker';
import { xeroConnector } from '@vahub/xero';
import { FakeXero } from '@vahub/xero/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { addContact, KOALA_CONTACT, TENANT, xeroGrant } from './support/flows-world.js';

/** `id,start,stop,project,billable,tags` with tags separated by `|`: a time sheet a VA might export. */
class CsvTimeSource implements TimeSource {
  constructor(private readonly files: ReadonlyMap<string, string>) {}

  private file(clientId: string): string {
    const file = this.files.get(clientId);
    if (!file) {
      throw new ConnectorError({
        provider: 'csv-time',
        operation: 'read',
        code: 'validation',
        retryable: false,
        message: `client ${clientId} has no csv-time section`,
      });
    }
    return file;
  }

  private async rows(clientId: string): Promise<string[][]> {
    const text = await readFile(this.file(clientId), 'utf8');
    return text
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(','));
  }

  async listTimeEntries(query: TimeQuery): Promise<TimeEntry[]> {
    return (await this.rows(query.clientId))
      .map(([id, start, stop, project, billable, tags]) => ({
        id: String(id),
        workspaceId: 'sheet',
        projectId: project || null,
        taskId: null,
        description: `sheet row ${id}`,
        start: String(start),
        stop: String(stop),
        durationSeconds: (Date.parse(String(stop)) - Date.parse(String(start))) / 1000,
        billable: billable === 'yes',
        tags: tags ? tags.split('|') : [],
      }))
      .filter((e) => e.start >= query.start && e.start < query.end);
  }

  async tagEntries(clientId: string, entryIds: readonly string[], tag: string): Promise<void> {
    await this.retag(clientId, entryIds, (tags) => [...new Set([...tags, tag])]);
  }

  async untagEntries(clientId: string, entryIds: readonly string[], tag: string): Promise<void> {
    await this.retag(clientId, entryIds, (tags) => tags.filter((t) => t !== tag));
  }

  async names(): Promise<NameLookup> {
    return { projects: { research: 'Research', admin: 'Admin' } };
  }

  private async retag(clientId: string, ids: readonly string[], change: (tags: string[]) => string[]) {
    const file = this.file(clientId);
    const [header, ...rows] = (await readFile(file, 'utf8')).trim().split('\n');
    const out = rows.map((line) => {
      const cells = line.split(',');
      if (!ids.includes(cells[0] ?? '')) return line;
      cells[5] = change(cells[5] ? cells[5].split('|') : []).join('|');
      return cells.join(',');
    });
    await writeFile(file, `${[header, ...out].join('\n')}\n`);
  }
}

const csvTimeConnector = defineConnector({
  id: 'csv-time',
  title: 'CSV time sheets',
  serves: ['time'],
  config: {
    client: z.strictObject({ file: z.string().min(1) }),
    endpoints: {},
    secrets: {},
  },
  auth: { kind: 'token', secret: 'none', howToGet: 'no credential: the sheet is a local file' },
  create: (context) => ({
    ports: { time: new CsvTimeSource(new Map(context.clients.map((c) => [c.client.id, c.section.file]))) },
  }),
});

const registry = [asanaConnector, csvTimeConnector, googleCalendarConnector, xeroConnector] as const;

let dir: string;
let xero: FakeXero;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vahub-csv-'));
  xero = new FakeXero({ tenants: [{ tenantId: TENANT, taxRates: { OUTPUT: '10' } }] });
  await xero.start();
});
afterEach(async () => {
  await xero.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a second time source, plugged in through the registry', () => {
  it('bills a CSV time sheet to a Xero draft with the unchanged flow, and tags what it billed', async () => {
    const sheet = join(dir, 'koala.csv');
    await writeFile(
      sheet,
      [
        'id,start,stop,project,billable,tags',
        'r1,2026-11-03T00:00:00.000Z,2026-11-03T01:30:00.000Z,research,yes,',
        'r2,2026-11-10T00:00:00.000Z,2026-11-10T00:45:00.000Z,admin,yes,',
        'r3,2026-11-11T00:00:00.000Z,2026-11-11T01:00:00.000Z,admin,no,',
        'r4,2026-12-01T00:00:00.000Z,2026-12-01T01:00:00.000Z,admin,yes,',
      ].join('\n'),
    );
    const text = `
va: { timezone: Europe/Budapest, workingHours: { mon-fri: "09:00-17:00" } }
clients:
  - id: koala-co
    name: Koala Co
    timezone: Australia/Sydney
    billing: { currency: AUD, hourlyRate: "60.00" }
    csv-time: { file: "${sheet}" }
    xero: { tenantId: ${TENANT}, contactId: ${KOALA_CONTACT}, accountCode: "200" }
`;
    const config = parseConfig(text, { connectors: registry, env: xero.env() });
    expect(config.clients[0]?.['csv-time']).toEqual({ file: sheet });
    const tokens = new MemoryTokenStore();
    await tokens.set('xero', xeroGrant(xero));
    addContact(xero, KOALA_CONTACT, 'Koala Co');
    const { ports } = buildConnectors(
      config,
      { tokens, lock: new MemoryLock(), logger: silentLogger, state: new MemoryStateStore() },
      registry,
    );
    expect(ports.time).toBeInstanceOf(CsvTimeSource);

    const client = config.clients[0]!;
    const period = periodContaining('month', Date.parse('2026-11-15T00:00:00Z'), client.timezone);
    const result = await draftInvoices({
      client,
      period,
      time: ports.time,
      invoices: ports.invoices,
      names: await ports.time.names(client.id),
    });

    // 1.5 h research + 0.75 h admin at 60.00; r3 is not billable, r4 is December in Sydney.
    expect(
      result.preview.draft?.lines.map((l) => [l.description.split(' — ')[0], l.quantity, l.lineAmount]),
    ).toEqual([
      ['Admin', '0.7500', '45.00'],
      ['Research', '1.5000', '90.00'],
    ]);
    const [invoice] = xero.invoices(TENANT);
    expect(invoice?.InvoiceID).toBe(result.invoice?.invoiceId);
    expect(invoice?.SubTotal).toBe(135);
    expect(result.tagged.sort()).toEqual(['r1', 'r2']);
    const rows = (await readFile(sheet, 'utf8')).trim().split('\n');
    expect(rows.filter((r) => r.endsWith(',invoiced')).map((r) => r.split(',')[0])).toEqual(['r1', 'r2']);

    // Run again: the tags in the sheet say it is billed.
    const again = await draftInvoices({ client, period, time: ports.time, invoices: ports.invoices });
    expect(again.invoice).toBeNull();
    expect(xero.invoices(TENANT)).toHaveLength(1);
  });
});

// In-memory implementations of the time source and the ledger-keeping invoice sink, with fault
// injection at every step boundary, for the crash-anywhere property test (fast: no HTTP). They follow
// the ports' contracts as the Xero and Toggl connectors do (the example tests run those).
import {
  type CreatedInvoice,
  type DraftManifest,
  formatInstant,
  type InvoiceDraft,
  type InvoiceStatus,
  type InvoiceTarget,
  type PeriodDraft,
  parseConfig,
  seqOfReference,
  type TimeEntry,
  type TimeQuery,
  type TimeSource,
} from '@vahub/core';
import type { LedgerSink } from '@vahub/worker';

const CONFIG = `
va: { timezone: Europe/London, workingHours: { mon-fri: "09:00-17:00" } }
clients:
  - id: ret
    name: Retainer client
    timezone: Europe/London
    billing: { currency: AUD, hourlyRate: "50.00", rounding: { minutes: 15, mode: up }, retainer: { hours: 2, amount: "100.00", rollover: true, maxCarryOverHours: 1 } }
  - id: hourly
    name: Hourly client
    timezone: Europe/London
    billing: { currency: JPY, hourlyRate: "4500", rounding: { minutes: 0, mode: nearest } }
`;
/** A retainer client (`ret`, AUD, rollover) and an hourly one (`hourly`, JPY) for the ledger's property tests. */
export const LEDGER_CLIENTS = parseConfig(CONFIG, { connectors: [], env: {} }).clients;

/** A time entry of the memory time source (workspace `w`, project `p1`), untagged. */
export function entry(id: string, start: number, seconds: number, billable: boolean): TimeEntry {
  return {
    id,
    workspaceId: 'w',
    projectId: 'p1',
    taskId: null,
    description: `entry ${id}`,
    start: formatInstant(start),
    stop: formatInstant(start + seconds * 1000),
    durationSeconds: seconds,
    billable,
    tags: [],
  };
}

export class Crash extends Error {
  override name = 'Crash';
}

/** Counts step boundaries; throws `Crash` at the chosen one (0: never). */
export class Faults {
  private seen = 0;
  constructor(public crashAt = 0) {}
  step(): void {
    this.seen += 1;
    if (this.crashAt > 0 && this.seen === this.crashAt) throw new Crash(`crash at step ${this.seen}`);
  }
  arm(at: number): void {
    this.seen = 0;
    this.crashAt = at;
  }
}

export class MemoryTime implements TimeSource {
  readonly entries = new Map<string, TimeEntry>();
  constructor(private readonly faults: Faults) {}
  async listTimeEntries(q: TimeQuery): Promise<TimeEntry[]> {
    const start = Date.parse(q.start);
    const end = Date.parse(q.end);
    return [...this.entries.values()]
      .filter((e) => Date.parse(e.start) >= start && Date.parse(e.start) < end)
      .map((e) => ({ ...e, tags: [...e.tags] }));
  }
  /** A crash may land between ids: a bulk edit that tagged some of them. */
  async tagEntries(_c: string, ids: readonly string[], tag: string): Promise<void> {
    this.faults.step();
    ids.forEach((id, i) => {
      if (i === Math.floor(ids.length / 2)) this.faults.step();
      const e = this.entries.get(id);
      if (e && !e.tags.includes(tag)) e.tags.push(tag);
    });
    this.faults.step();
  }
  async untagEntries(_c: string, ids: readonly string[], tag: string): Promise<void> {
    this.faults.step();
    for (const id of ids) {
      const e = this.entries.get(id);
      if (e) e.tags = e.tags.filter((t) => t !== tag);
    }
    this.faults.step();
  }
  async names() {
    return { projects: {}, tasks: {} };
  }
}

export interface StoredInvoice {
  id: string;
  number: string;
  status: InvoiceStatus;
  draft: InvoiceDraft;
  /** Manifests written, oldest first (append-only, like Xero's notes). */
  manifests: DraftManifest[];
}

export class MemoryInvoices implements LedgerSink {
  readonly invoices = new Map<string, StoredInvoice>();
  private readonly byKey = new Map<string, string>();
  constructor(
    private readonly faults: Faults,
    private readonly targetOf: InvoiceTarget,
  ) {}
  target(): InvoiceTarget {
    return this.targetOf;
  }
  async findContact() {
    return null;
  }
  private created(inv: StoredInvoice): CreatedInvoice {
    return { invoiceId: inv.id, invoiceNumber: inv.number, status: inv.status, total: inv.draft.subtotal };
  }
  async createDraft(_c: string, draft: InvoiceDraft): Promise<CreatedInvoice> {
    this.faults.step();
    const known = this.byKey.get(draft.idempotencyKey);
    const inv = known
      ? (this.invoices.get(known) as StoredInvoice)
      : {
          id: `inv-${this.invoices.size + 1}`,
          number: `INV-${this.invoices.size + 1}`,
          status: 'DRAFT' as const,
          draft,
          manifests: [],
        };
    this.invoices.set(inv.id, inv);
    this.byKey.set(draft.idempotencyKey, inv.id);
    this.faults.step(); // the answer is lost
    return this.created(inv);
  }
  async updateDraft(_c: string, id: string, draft: InvoiceDraft): Promise<CreatedInvoice> {
    this.faults.step();
    const inv = this.invoices.get(id);
    if (inv?.status !== 'DRAFT') throw new Error(`invoice ${id} is not a DRAFT`);
    inv.draft = { ...draft, reference: inv.draft.reference };
    this.faults.step();
    return this.created(inv);
  }
  async writeManifest(_c: string, id: string, manifest: DraftManifest): Promise<void> {
    this.faults.step();
    this.invoices.get(id)?.manifests.push(manifest);
    this.faults.step();
  }
  async findPeriodDrafts(_c: string, key: string): Promise<PeriodDraft[]> {
    return [...this.invoices.values()]
      .filter((inv) => seqOfReference(key, inv.draft.reference) !== null)
      .map((inv) => ({
        invoiceId: inv.id,
        invoiceNumber: inv.number,
        status: inv.status,
        reference: inv.draft.reference,
        manifest: inv.manifests.at(-1) ?? null,
      }));
  }
  async getInvoiceStatus(_c: string, id: string): Promise<InvoiceStatus | null> {
    return this.invoices.get(id)?.status ?? null;
  }
}

import {
  type ClientConfig,
  type CreatedInvoice,
  type DraftManifest,
  entryFingerprint,
  type InvoiceDraft,
  type InvoiceSink,
  isLiveStatus,
  type PeriodDraft,
  seqOfReference,
  type TimeEntry,
} from '@vahub/core';

/** An invoice sink that keeps the billing ledger (all three optional methods present). */
export type LedgerSink = InvoiceSink & {
  findPeriodDrafts(clientId: string, periodKey: string): Promise<PeriodDraft[]>;
  updateDraft(clientId: string, invoiceId: string, draft: InvoiceDraft): Promise<CreatedInvoice>;
  writeManifest(clientId: string, invoiceId: string, manifest: DraftManifest): Promise<void>;
};

export function keepsLedger(sink: InvoiceSink): sink is LedgerSink {
  return (
    typeof sink.findPeriodDrafts === 'function' &&
    typeof sink.updateDraft === 'function' &&
    typeof sink.writeManifest === 'function'
  );
}

/** An entry on a live draft that changed (or vanished) after it was invoiced: reported, never re-billed. */
export interface EditedEntry {
  entryId: string;
  invoiceId: string;
  invoiceNumber: string | null;
  /** `edited`: its duration, start, project, task or billability changed; `missing`: no longer in the period. */
  change: 'edited' | 'missing';
  message: string;
}

/** What the ledger says of a period once the drafts are read. */
export interface PeriodLedger {
  periodKey: string;
  drafts: PeriodDraft[];
  live: PeriodDraft[];
  /** Entry id → the live draft that covers it. */
  covered: Map<string, { draft: PeriodDraft; fp: string }>;
  /** Entries only deleted or voided drafts covered: billable again. */
  released: Set<string>;
}

export function seqOf(key: string, d: PeriodDraft): number {
  return d.manifest?.seq ?? seqOfReference(key, d.reference) ?? 0;
}

export function readLedger(key: string, drafts: PeriodDraft[]): PeriodLedger {
  const live = drafts.filter((d) => isLiveStatus(d.status)).sort((a, b) => seqOf(key, a) - seqOf(key, b));
  const covered = new Map<string, { draft: PeriodDraft; fp: string }>();
  for (const d of live) for (const e of d.manifest?.entries ?? []) covered.set(e.id, { draft: d, fp: e.fp });
  const released = new Set<string>();
  for (const d of drafts) {
    if (isLiveStatus(d.status)) continue;
    for (const e of d.manifest?.entries ?? []) if (!covered.has(e.id)) released.add(e.id);
  }
  return { periodKey: key, drafts, live, covered, released };
}

export function hasTag(entry: TimeEntry, tag: string): boolean {
  const lower = tag.toLowerCase();
  return entry.tags.some((t) => t.toLowerCase() === lower);
}

/** Entries on live drafts whose fingerprint changed, or that the period no longer holds. */
export function editedEntries(ledger: PeriodLedger, entries: readonly TimeEntry[]): EditedEntry[] {
  const byId = new Map(entries.map((e) => [e.id, e]));
  const out: EditedEntry[] = [];
  for (const [id, { draft, fp }] of ledger.covered) {
    const entry = byId.get(id);
    const name = draft.invoiceNumber ? `${draft.invoiceNumber} (${draft.invoiceId})` : draft.invoiceId;
    if (entry && entryFingerprint(entry) === fp) continue;
    const change = entry ? 'edited' : 'missing';
    out.push({
      entryId: id,
      invoiceId: draft.invoiceId,
      invoiceNumber: draft.invoiceNumber,
      change,
      message: entry
        ? `entry ${id} was edited after it was invoiced on ${name}: it is not billed again; correct the invoice by hand if the change should be billed`
        : `entry ${id}, invoiced on ${name}, is no longer in the period (deleted or moved): check the invoice`,
    });
  }
  return out.sort((a, b) => a.entryId.localeCompare(b.entryId));
}

/** The retainer carry-over a period hands on, from its latest live draft's manifest ("0" with none). */
export function carryOverOf(ledger: PeriodLedger): string | null {
  const last = [...ledger.live].reverse().find((d) => d.manifest !== null);
  return last?.manifest?.carryOverHours ?? null;
}

export function rolloverOn(client: ClientConfig): boolean {
  return Boolean(client.billing.retainer?.rollover);
}

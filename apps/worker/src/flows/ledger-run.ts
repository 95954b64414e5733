import {
  type BuildInvoiceResult,
  buildInvoiceDraft,
  type ClientConfig,
  type CreatedInvoice,
  type DraftManifest,
  draftReference,
  entryFingerprint,
  type NameLookup,
  type Period,
  periodKey,
  previousPeriod,
  type RetryOptions,
  type TimeEntry,
  type TimeSource,
} from '@vahub/core';
import {
  carryOverOf,
  type EditedEntry,
  editedEntries,
  hasTag,
  type LedgerSink,
  type PeriodLedger,
  readLedger,
  rolloverOn,
  seqOf,
} from './ledger-state.js';
import { tagInvoiced } from './tag-invoiced.js';

/** What the ledger did in a run, for the run's result and the preview. */
export interface LedgerReport {
  periodKey: string;
  /** `created`: the period's first (live) draft; `updated`: the open DRAFT took new entries;
   * `supplementary`: the period's drafts are approved, so a labelled "… sup<n>" draft; `none`. */
  action: 'created' | 'updated' | 'supplementary' | 'none';
  /** Retainer hours carried in (from the previous period's ledger, or the caller). */
  carriedInHours: string;
  /** Entries tagged again because the drafts that billed them were deleted or voided. */
  released: string[];
  /** Entries on live drafts whose tag was missing (a run stopped partway) and is now set. */
  completedTags: string[];
  edited: EditedEntry[];
}

export interface LedgerRunInput {
  client: ClientConfig;
  period: Period;
  time: TimeSource;
  invoices: LedgerSink;
  entries: TimeEntry[];
  names?: NameLookup;
  carriedOverHours?: string;
  invoiceDate?: string;
  supersedes?: readonly string[];
  tagRetry?: RetryOptions;
}

export interface LedgerRunResult {
  preview: BuildInvoiceResult;
  invoice: CreatedInvoice | null;
  tagged: string[];
  ledger: LedgerReport;
}

/** Carried-in retainer hours: the caller's, the period's own manifests', else the previous period's ledger. */
async function carriedIn(input: LedgerRunInput, ledger: PeriodLedger): Promise<string> {
  if (input.carriedOverHours !== undefined) return input.carriedOverHours;
  const own = ledger.live.find((d) => d.manifest)?.manifest?.carriedInHours;
  if (own !== undefined) return own;
  if (!rolloverOn(input.client) || input.period.kind === 'custom') return '0';
  const prev = previousPeriod(input.period, input.client.billing.weekStartsOn);
  const key = periodKey(input.client.id, prev);
  const drafts = await input.invoices.findPeriodDrafts(input.client.id, key);
  return carryOverOf(readLedger(key, drafts)) ?? '0';
}

/** Hours of a retainer the given entries used, as the engine counts them. */
function usedHours(input: LedgerRunInput, entries: TimeEntry[], carried: string): string {
  if (!input.client.billing.retainer || entries.length === 0) return '0';
  const r = buildInvoiceDraft({
    clientId: input.client.id,
    billing: input.client.billing,
    target: input.invoices.target(input.client.id),
    period: input.period,
    entries,
    carriedOverHours: carried,
  });
  return r.retainer?.usedHours ?? '0';
}

/**
 * One run of the period against the ledger: release the time of deleted or voided drafts, add what
 * is new to the open DRAFT (or a supplementary draft once the period's drafts are approved), store
 * the manifest, then tag. Every step is safe to repeat, so a run stopped anywhere is finished by the
 * next one: nothing is drafted twice and no fee is billed twice.
 */
export async function runWithLedger(input: LedgerRunInput): Promise<LedgerRunResult> {
  const { client, period, time, invoices, entries } = input;
  const tag = client.billing.invoicedTag;
  const key = periodKey(client.id, period);
  let ledger = readLedger(key, await invoices.findPeriodDrafts(client.id, key));
  const released = entries.filter((e) => ledger.released.has(e.id) && hasTag(e, tag)).map((e) => e.id);
  if (released.length > 0) await time.untagEntries(client.id, released, tag);
  const edited = editedEntries(ledger, entries);
  const carried = await carriedIn(input, ledger);
  const open = [...ledger.live].reverse().find((d) => d.status === 'DRAFT') ?? null;
  const isBilledElsewhere = (e: TimeEntry, target: string | null) => {
    const c = ledger.covered.get(e.id);
    if (c) return c.draft.invoiceId !== target;
    return hasTag(e, tag) && !ledger.released.has(e.id);
  };
  const viewFor = (target: string | null) =>
    entries.map((e) => {
      const others = e.tags.filter((t) => t.toLowerCase() !== tag.toLowerCase());
      return { ...e, tags: isBilledElsewhere(e, target) ? [...others, tag] : others };
    });
  const feeOn = (target: string | null) =>
    Boolean(client.billing.retainer) && !ledger.live.some((d) => d.invoiceId !== target && d.manifest?.fee);
  const build = (target: string | null, reference: string) => {
    const others = ledger.live.filter((d) => d.invoiceId !== target);
    const feeElsewhere = others.some((d) => d.manifest?.fee);
    const otherEntries = entries
      .filter((e) => others.some((d) => ledger.covered.get(e.id)?.draft === d))
      .map((e) => ({ ...e, tags: [] }));
    return buildInvoiceDraft({
      clientId: client.id,
      billing: client.billing,
      target: invoices.target(client.id),
      period,
      entries: viewFor(target),
      names: input.names,
      carriedOverHours: carried,
      invoiceDate: input.invoiceDate,
      supersedes: [
        ...(input.supersedes ?? []),
        ...ledger.drafts.filter((d) => !ledger.live.includes(d)).map((d) => d.invoiceId),
      ],
      invoicedTag: tag,
      reference,
      retainerAlreadyInvoicedHours: feeElsewhere ? usedHours(input, otherEntries, carried) : undefined,
    });
  };
  // What is new: the engine over every entry a live draft (or an older tag) already bills.
  const fresh = build(null, key);
  const openStale = open !== null && open.manifest === null;
  // Retainer time inside the allowance makes no line of its own, but the open DRAFT records it.
  const excluded = new Set(fresh.excluded.map((x) => x.entryId));
  const pending = viewFor(null).some((e) => !hasTag(e, tag) && !excluded.has(e.id));
  let preview = fresh;
  let invoice: CreatedInvoice | null = null;
  let action: LedgerReport['action'] = 'none';
  if (fresh.draft !== null || openStale || (open !== null && pending)) {
    const seq = open
      ? seqOf(key, open)
      : ledger.live.length === 0
        ? 0
        : Math.max(...ledger.live.map((d) => seqOf(key, d))) + 1;
    const reference = open ? open.reference : draftReference(key, seq);
    preview = open ? build(open.invoiceId, reference) : seq === 0 ? fresh : build(null, reference);
    const draft = preview.draft;
    if (draft) {
      invoice = open
        ? await invoices.updateDraft(client.id, open.invoiceId, draft)
        : await invoices.createDraft(client.id, draft);
      action = open ? 'updated' : seq === 0 ? 'created' : 'supplementary';
      const byId = new Map(entries.map((e) => [e.id, e]));
      const manifest: DraftManifest = {
        v: 1,
        clientId: client.id,
        periodKey: key,
        seq,
        entries: draft.entryIds.map((id) => ({ id, fp: entryFingerprint(byId.get(id) as TimeEntry) })),
        fee: feeOn(open?.invoiceId ?? null),
        carriedInHours: carried,
        carryOverHours: preview.retainer?.carryOverHours ?? null,
      };
      await invoices.writeManifest(client.id, invoice.invoiceId, manifest);
      ledger = readLedger(key, await invoices.findPeriodDrafts(client.id, key));
    } else {
      preview = fresh;
    }
  }
  // Tags follow the ledger: every entry a live draft covers carries the tag.
  const untagged = entries.filter(
    (e) => ledger.covered.has(e.id) && (!hasTag(e, tag) || released.includes(e.id)),
  );
  const ids = untagged.map((e) => e.id);
  const tagged =
    ids.length === 0
      ? []
      : await tagInvoiced({
          time,
          invoice: invoice ?? toCreated(ledger.covered.get(ids[0] as string)!.draft),
          tag,
          clientId: client.id,
          entryIds: ids,
          repeatable: true,
          ...(input.tagRetry ? { retry: input.tagRetry } : {}),
        });
  const newIds = new Set(invoice ? (preview.draft?.entryIds ?? []) : []);
  return {
    preview,
    invoice,
    tagged,
    ledger: {
      periodKey: key,
      action,
      carriedInHours: carried,
      released,
      completedTags: tagged.filter((id) => !newIds.has(id)),
      edited,
    },
  };
}

function toCreated(d: {
  invoiceId: string;
  invoiceNumber: string | null;
  status: CreatedInvoice['status'];
}): CreatedInvoice {
  return { invoiceId: d.invoiceId, invoiceNumber: d.invoiceNumber, status: d.status, total: '0' };
}

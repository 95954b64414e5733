import { stableKey } from '../crypto/ids.js';
import type { InvoiceStatus, TimeEntry } from '../domain/types.js';
import { invoiceReference } from './reference.js';

/**
 * The billing ledger: for each client and billing period, which drafts exist in the invoicing app
 * and exactly what each billed. It lives in the apps themselves (see LEDGER.md): the draft's
 * `Reference` names the period, a manifest stored on the draft says which entries (with a
 * fingerprint of what was billed of each), whether it billed the retainer fee and the carried hours,
 * and the time tracker's tag marks each covered entry. Any cache of it can be dropped and rebuilt.
 */

/** Statuses of a draft that still bills its entries; DELETED and VOIDED ones billed nothing. */
export const LIVE_INVOICE_STATUSES: readonly InvoiceStatus[] = ['DRAFT', 'SUBMITTED', 'AUTHORISED', 'PAID'];

export function isLiveStatus(status: InvoiceStatus): boolean {
  return LIVE_INVOICE_STATUSES.includes(status);
}

/** One entry a draft covers, with the fingerprint of what was billed of it. */
export interface LedgerEntry {
  id: string;
  /** `entryFingerprint` when it was billed: a later edit of the entry changes it. */
  fp: string;
}

/** What one draft billed, stored on the draft so it can be read back from the invoicing app alone. */
export interface DraftManifest {
  v: 1;
  clientId: string;
  /** The period key (`periodKey`), e.g. "vahub koala-co 2026-11". */
  periodKey: string;
  /** 0 for the period's draft, n for its n-th supplementary draft. */
  seq: number;
  entries: LedgerEntry[];
  /** The draft bills the period's retainer fee. */
  fee: boolean;
  /** Retainer hours carried in from the previous period (decimal string; "0" without a retainer). */
  carriedInHours: string;
  /** Retainer hours this period hands on, as of this draft (null without a retainer). */
  carryOverHours: string | null;
}

/** A draft of the period as the invoice sink finds it, with its manifest when it has one. */
export interface PeriodDraft {
  invoiceId: string;
  invoiceNumber: string | null;
  status: InvoiceStatus;
  reference: string;
  /** Null for a draft whose manifest was never written (a run stopped right after creating it). */
  manifest: DraftManifest | null;
}

/** The key of a client's billing period: the draft's `Reference` ("vahub koala-co 2026-11"). */
export function periodKey(
  clientId: string,
  period: { kind: string; firstDate: string; lastDate: string },
): string {
  return invoiceReference(clientId, period);
}

/** The `Reference` of the period's draft (seq 0) or its n-th supplementary draft ("… sup2"). */
export function draftReference(key: string, seq: number): string {
  return seq === 0 ? key : `${key} sup${seq}`;
}

/** The seq a `Reference` names for a period key, or null when it is not one of the period's drafts. */
export function seqOfReference(key: string, reference: string): number | null {
  if (reference === key) return 0;
  const m = reference.startsWith(`${key} sup`) ? /^(\d+)$/.exec(reference.slice(key.length + 4)) : null;
  return m ? Number(m[1]) : null;
}

/**
 * What was billed of an entry: its start, duration, project, task and billability. An entry whose
 * fingerprint differs from the one on its draft was edited after it was invoiced.
 */
export function entryFingerprint(entry: TimeEntry): string {
  return stableKey([
    'vahub-entry',
    entry.start,
    String(entry.durationSeconds),
    entry.projectId ?? '',
    entry.taskId ?? '',
    String(entry.billable),
  ]).slice(0, 10);
}

/** The manifest as compact JSON: `{"v":1,"c":client,"p":key,"s":seq,"e":[[id,fp]…],"f":0|1,"ci":…,"co":…}`. */
export function encodeManifest(m: DraftManifest): string {
  return JSON.stringify({
    v: 1,
    c: m.clientId,
    p: m.periodKey,
    s: m.seq,
    e: m.entries.map((e) => [e.id, e.fp]),
    f: m.fee ? 1 : 0,
    ci: m.carriedInHours,
    co: m.carryOverHours,
  });
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** The manifest `encodeManifest` wrote, or null for text that is not one (a person's note, a damaged copy). */
export function decodeManifest(text: string): DraftManifest | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || o.v !== 1) return null;
  if (typeof o.c !== 'string' || typeof o.p !== 'string' || !Number.isInteger(o.s)) return null;
  if (!Array.isArray(o.e) || (o.f !== 0 && o.f !== 1)) return null;
  if (typeof o.ci !== 'string' || !DECIMAL.test(o.ci)) return null;
  if (o.co !== null && (typeof o.co !== 'string' || !DECIMAL.test(o.co))) return null;
  const entries: LedgerEntry[] = [];
  for (const e of o.e as unknown[]) {
    if (!Array.isArray(e) || typeof e[0] !== 'string' || typeof e[1] !== 'string') return null;
    entries.push({ id: e[0], fp: e[1] });
  }
  return {
    v: 1,
    clientId: o.c,
    periodKey: o.p,
    seq: o.s as number,
    entries,
    fee: o.f === 1,
    carriedInHours: o.ci,
    carryOverHours: (o.co as string | null) ?? null,
  };
}

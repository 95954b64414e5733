import { periodKey } from '@vahub/core';
import {
  type DraftInvoicesInput,
  type DraftInvoicesResult,
  draftUnlocked,
  runLockKey,
} from './draft-invoices.js';

/** Where complete invoice runs are recorded (Redis in the service), per client and period. */
export interface CompletedRuns {
  /** When the latest complete run of the period began reading its entries (epoch ms); null when none is known. */
  readAt(periodKey: string): Promise<number | null>;
  /** A run of the period that began reading at `readAt` completed; a later mark is never moved back. */
  record(periodKey: string, readAt: number): Promise<void>;
}

export interface Coalescing {
  /** When this run was asked for (epoch ms): the job's time, or its scheduler's firing. */
  askedAt: number;
  runs: CompletedRuns;
  /** @defaultValue Date.now */
  now?: () => number;
}

/** A run that did nothing: a complete run of the period began reading after it was asked for. */
export interface CoalescedRun {
  coalesced: { periodKey: string; askedAt: number; readAt: number };
}

export function isCoalesced(r: DraftInvoicesResult | CoalescedRun): r is CoalescedRun {
  return 'coalesced' in r;
}

/**
 * `draftInvoices`, with runs asked for at once (or while another ran) coalesced into one read of the
 * period: under the client's run lock, a run asked for at `askedAt` is skipped when a complete run of
 * the same client and period began reading its entries at or after `askedAt`.
 *
 * Why that gives up nothing. What a run asked for at Q owes: every billable entry the time tracker
 * held at Q is on one live draft with its tag, and the time of drafts deleted or voided by then is
 * billed again. A complete run that began its read at S ≥ Q saw everything written before S, so
 * before Q; it returned, so its draft, manifest and tags were all written (tagging that stops partway
 * throws, and a run that throws records nothing). So what the skipped run owed is done. Anything
 * written after S was written after Q: the skipped run was not asked to bill it, and the next run
 * (asked later, so not skipped by this mark) reads it and bills it through the ledger as a late entry,
 * into the open draft or a supplementary one, never twice. The mark only moves forward and is read and
 * written under the same lock as the run, so two runs of a client never both read in its stead. S is
 * taken before the read starts, on the worker's clock, and Q on the clock of whoever asked (the
 * scheduler's firing, or BullMQ's add): the service's processes are expected to share a clock (one
 * host, or NTP); a clock behind by d could let a run asked up to d after another's read skip.
 * A lost mark (Redis flushed) only costs a read; an unreadable one runs the period in full.
 */
export async function draftInvoicesCoalesced(
  input: DraftInvoicesInput,
  coalescing: Coalescing,
): Promise<DraftInvoicesResult | CoalescedRun> {
  const key = periodKey(input.client.id, input.period);
  const run = async (): Promise<DraftInvoicesResult | CoalescedRun> => {
    const readAt = await coalescing.runs.readAt(key).catch(() => null);
    if (readAt !== null && readAt >= coalescing.askedAt) {
      return { coalesced: { periodKey: key, askedAt: coalescing.askedAt, readAt } };
    }
    const startedAt = (coalescing.now ?? Date.now)();
    const result = await draftUnlocked(input);
    // Best effort: a mark not written costs the next run a read, nothing more.
    await coalescing.runs.record(key, startedAt).catch(() => undefined);
    return result;
  };
  return input.lock ? input.lock.withLock(runLockKey(input.client.id), run) : run();
}

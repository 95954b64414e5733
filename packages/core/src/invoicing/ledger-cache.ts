import type { CreatedInvoice, InvoiceSink } from '../domain/ports.js';
import type { InvoiceDraft } from '../domain/types.js';
import type { DraftManifest, PeriodDraft } from './ledger.js';

/**
 * A cache of the billing ledger (a period's drafts and manifests), e.g. Redis. Only a cache: the
 * ledger lives in the invoicing app and the time tracker, so dropping it loses nothing.
 */
export interface LedgerCache {
  get(clientId: string, periodKey: string): Promise<PeriodDraft[] | null>;
  /**
   * Keep `drafts`; with `version` (what `version` gave before they were read), only if no `drop` of
   * the client came since: a read that overlapped a write must not put back what the write changed.
   */
  set(clientId: string, periodKey: string, drafts: PeriodDraft[], version?: string): Promise<void>;
  /** Forget a client's periods (one, or all of them), and move its version on. */
  drop(clientId: string, periodKey?: string): Promise<void>;
  /** The client's version: it changes with every `drop`. */
  version(clientId: string): Promise<string>;
}

type LedgerMethods = Required<Pick<InvoiceSink, 'findPeriodDrafts' | 'updateDraft' | 'writeManifest'>>;

/**
 * The sink with `findPeriodDrafts` answered from the cache when it can. Every write through it drops
 * the client's cached periods first and after, so a run always sees its own drafts; a change the VA
 * makes in the invoicing app is seen once the invoice webhook calls `invalidate` (or the cache's own
 * expiry passes). Anything stale fails safe: an update of a draft approved meanwhile is refused by the
 * app, a draft deleted meanwhile is released a little later.
 */
export function cachedLedgerSink(
  sink: InvoiceSink & LedgerMethods,
  cache: LedgerCache,
): InvoiceSink & LedgerMethods & { invalidate(clientId: string): Promise<void> } {
  const around = async <T>(clientId: string, write: () => Promise<T>): Promise<T> => {
    await cache.drop(clientId);
    const out = await write();
    await cache.drop(clientId);
    return out;
  };
  return {
    target: (clientId) => sink.target(clientId),
    findContact: (clientId) => sink.findContact(clientId),
    getInvoiceStatus: (clientId, invoiceId) => sink.getInvoiceStatus(clientId, invoiceId),
    createDraft: (clientId, draft: InvoiceDraft): Promise<CreatedInvoice> =>
      around(clientId, () => sink.createDraft(clientId, draft)),
    updateDraft: (clientId, invoiceId, draft) =>
      around(clientId, () => sink.updateDraft(clientId, invoiceId, draft)),
    writeManifest: (clientId, invoiceId, manifest: DraftManifest) =>
      around(clientId, () => sink.writeManifest(clientId, invoiceId, manifest)),
    async findPeriodDrafts(clientId, periodKey) {
      // Read before the app is: a write (and its drops) while the app is read leaves this copy out
      // of the cache. Else a run's own read after its draft could be answered by a copy another job
      // read mid-write, without that draft, and the run would tag none of its entries.
      const version = await cache.version(clientId);
      const hit = await cache.get(clientId, periodKey);
      if (hit) return hit;
      const drafts = await sink.findPeriodDrafts(clientId, periodKey);
      await cache.set(clientId, periodKey, drafts, version);
      return drafts;
    },
    invalidate: (clientId) => cache.drop(clientId),
  };
}

/** A `LedgerCache` in memory (tests, the CLI). */
export class MemoryLedgerCache implements LedgerCache {
  readonly entries = new Map<string, string>();
  private readonly versions = new Map<string, number>();
  async get(clientId: string, periodKey: string): Promise<PeriodDraft[] | null> {
    const text = this.entries.get(`${clientId}\n${periodKey}`);
    return text ? (JSON.parse(text) as PeriodDraft[]) : null;
  }
  async set(clientId: string, periodKey: string, drafts: PeriodDraft[], version?: string): Promise<void> {
    if (version !== undefined && version !== (await this.version(clientId))) return;
    this.entries.set(`${clientId}\n${periodKey}`, JSON.stringify(drafts));
  }
  async version(clientId: string): Promise<string> {
    return String(this.versions.get(clientId) ?? 0);
  }
  async drop(clientId: string, periodKey?: string): Promise<void> {
    this.versions.set(clientId, (this.versions.get(clientId) ?? 0) + 1);
    for (const k of [...this.entries.keys()]) {
      if (periodKey === undefined ? k.startsWith(`${clientId}\n`) : k === `${clientId}\n${periodKey}`) {
        this.entries.delete(k);
      }
    }
  }
}

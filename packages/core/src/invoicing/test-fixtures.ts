// Shared by the invoicing tests only (not exported from the package).
import { billingSchema } from '../config/billing-schema.js';
import type { BillingConfig } from '../config/schema.js';
import type { TimeEntry } from '../domain/types.js';
import { type Period, parseInstant, periodContaining } from '../time/zoned.js';
import { buildInvoiceDraft } from './build-draft.js';
import type { BuildInvoiceInput, BuildInvoiceResult } from './types.js';

/** Billing settings through the real config schema, so defaults are the product's defaults. */
export function billing(raw: Record<string, unknown>): BillingConfig {
  return billingSchema.parse(raw);
}

export const TARGET = {
  contactId: '717f2bfc-c6d4-41fd-b238-3f2f0c0cf777',
  accountCode: '200',
  taxType: 'OUTPUT',
};

let seq = 0;

export function entry(fields: Partial<TimeEntry> & { start: string; durationSeconds: number }): TimeEntry {
  seq += 1;
  return {
    id: `te-${seq}`,
    workspaceId: '4242',
    projectId: null,
    taskId: null,
    description: '',
    stop: null,
    billable: true,
    tags: [],
    ...fields,
  };
}

export function month(isoInside: string, zone: string): Period {
  return periodContaining('month', parseInstant(isoInside), zone);
}

export function build(
  input: Partial<BuildInvoiceInput> & Pick<BuildInvoiceInput, 'billing' | 'period' | 'entries'>,
): BuildInvoiceResult {
  return buildInvoiceDraft({ clientId: 'koala-co', target: TARGET, ...input });
}

/** The draft, failing the test with the engine's reason if there is none. */
export function draftOf(result: BuildInvoiceResult) {
  if (result.draft === null) throw new Error(`expected a draft, got none: ${result.reason}`);
  return result.draft;
}

import type { ClientConfig } from '../config/schema.js';
import type { TimeEntry } from '../domain/types.js';
import { retainerAlreadyInvoicedHours } from '../invoicing/already-invoiced.js';
import { buildInvoiceDraft } from '../invoicing/build-draft.js';
import { hoursToUnits } from '../invoicing/retainer.js';
import { unitsToHours } from '../invoicing/rounding.js';
import { formatPeriodShort } from '../invoicing/text.js';
import type { InvoiceTarget, NameLookup, RetainerUsage } from '../invoicing/types.js';
import { currencyDigits } from '../money/currency.js';
import { toFixed } from '../money/decimal.js';
import type { Period } from '../time/zoned.js';
import type { PeriodBilling, RetainerStatus } from './types.js';

/** Stands in for the invoicing app's contact and codes: the amounts do not depend on them. */
const NO_TARGET: InvoiceTarget = { contactId: 'report', accountCode: 'report', taxType: 'report' };

function retainerStatus(r: RetainerUsage): RetainerStatus {
  const allowance = hoursToUnits(r.allowanceHours, 'allowanceHours');
  const used =
    hoursToUnits(r.alreadyInvoicedHours, 'alreadyInvoicedHours') + hoursToUnits(r.usedHours, 'usedHours');
  return {
    includedHours: r.includedHours,
    carriedInHours: r.carriedInHours,
    allowanceHours: r.allowanceHours,
    usedHours: unitsToHours(used),
    leftHours: unitsToHours(Math.max(0, allowance - used)),
    overageHours: unitsToHours(Math.max(0, used - allowance)),
    usedPercent: allowance === 0 ? 0 : Math.round((used * 100) / allowance),
  };
}

/**
 * The retainer and the unbilled time of a billing period, computed by the invoicing engine exactly
 * as the period's next draft would be: `unbilled.amount` is that draft's subtotal (nothing billed
 * twice: entries tagged as invoiced are left out, and a retainer fee already on a draft is not
 * counted again), and the retainer counts every hour of the period, invoiced or not.
 */
export function periodBilling(input: {
  client: ClientConfig;
  period: Period;
  /** The period's entries as the time source has them, invoiced ones (tagged) included. */
  entries: readonly TimeEntry[];
  names?: NameLookup;
  /** The client's invoicing settings; the amounts do not depend on them. @defaultValue placeholders */
  target?: InvoiceTarget;
  /** Unused retainer hours carried in from the previous period (decimal string). @defaultValue "0" */
  carriedOverHours?: string;
}): PeriodBilling {
  const { client, period } = input;
  const { billing } = client;
  const target = input.target ?? NO_TARGET;
  const result = buildInvoiceDraft({
    clientId: client.id,
    billing,
    target,
    period,
    entries: input.entries,
    names: input.names ?? {},
    carriedOverHours: input.carriedOverHours ?? '0',
    retainerAlreadyInvoicedHours: retainerAlreadyInvoicedHours({
      clientId: client.id,
      billing,
      target,
      period,
      entries: input.entries,
    }),
  });
  const zero = toFixed('0', currencyDigits(billing.currency));
  let hours: string;
  if (result.retainer) hours = result.retainer.usedHours;
  else {
    const units = result.explanations
      .filter((e) => e.kind === 'time')
      .reduce((n, e) => n + hoursToUnits(e.hours, 'hours'), 0);
    hours = unitsToHours(units);
  }
  return {
    label: formatPeriodShort(period),
    firstDate: period.firstDate,
    lastDate: period.lastDate,
    currency: billing.currency,
    retainer: result.retainer ? retainerStatus(result.retainer) : null,
    unbilled: {
      hours,
      amount: result.draft ? result.draft.subtotal : zero,
      lineAmountTypes: billing.lineAmountTypes,
      note: result.draft ? null : result.reason,
    },
  };
}

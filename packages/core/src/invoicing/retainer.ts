import type { BillingConfig } from '../config/schema.js';
import { dec, toFixed } from '../money/decimal.js';
import { type Ratio, ratio } from '../money/ratio.js';
import type { Period } from '../time/zoned.js';
import { overageRate, UNIT_DP } from './rates.js';
import { formatDuration, unitsToHours } from './rounding.js';
import { formatDateRange } from './text.js';
import type { EntryUse, LineExplanation, RateChoice, RetainerUsage, TimeGroup } from './types.js';

export type RetainerConfig = NonNullable<BillingConfig['retainer']>;

/** A line before money is applied: quantity in ten-thousandths of an hour (or of one item). */
export interface LineSpec {
  kind: LineExplanation['kind'];
  description: string;
  /** Where " at 4500 JPY/h" goes in the description when the line is sent as 1 × amount; null for a fee. */
  rateAt: number | null;
  quantityUnits: number;
  /** The billed quantity exactly (601 s is 601/3600 h), before the 4-decimal rounding of `quantityUnits`. */
  exactQuantity: Ratio;
  rate: RateChoice;
  entries: EntryUse[];
  rawSeconds: number;
  overlapSeconds: number;
  /** After overlaps and rounding (per entry or per line). */
  billedSeconds: number;
  parts: LineExplanation['parts'];
  summary: string;
}

/** Decimal hours as integer ten-thousandths; more than 4 decimals is refused (`round` rounds instead). */
export function hoursToUnits(hours: string, what: string, round = false): number {
  const units = dec(hours).times(10_000);
  if (units.lt(0)) throw new RangeError(`${what} must not be negative, got "${hours}"`);
  if (!round && !units.eq(units.round(0))) {
    throw new RangeError(`${what} has more than 4 decimals: "${hours}"`);
  }
  return Number(units.round(0).toFixed(0));
}

const h = (units: number) => `${unitsToHours(units)} h`;

/**
 * What one period passes on, in ten-thousandths of an hour: carried-in hours are spent first and
 * lapse at the period's end; only this period's unused included hours roll over (when rollover is
 * on), and at most the cap. So hours never pile up beyond one period's allowance.
 */
function carry(input: { retainer: RetainerConfig; included: number; carriedIn: number; used: number }): {
  carryOver: number;
  expired: number;
} {
  const { retainer, included, carriedIn, used } = input;
  const unused = Math.max(0, included + carriedIn - used);
  let carryOver = retainer.rollover ? Math.max(0, included - Math.max(0, used - carriedIn)) : 0;
  if (retainer.maxCarryOverHours !== undefined) {
    carryOver = Math.min(
      carryOver,
      hoursToUnits(String(retainer.maxCarryOverHours), 'maxCarryOverHours', true),
    );
  }
  return { carryOver, expired: unused - carryOver };
}

/**
 * The hours a retainer period hands to the next, from the hours carried into it and all hours used
 * in it (every draft of the period together). Pure, so a ledger can chain periods from what it stored:
 * period n + 1's `carriedOverHours` is period n's `carryOverHours`.
 */
export function retainerCarryOver(input: {
  retainer: RetainerConfig;
  carriedInHours: string;
  usedHours: string;
}): { carryOverHours: string; expiredHours: string } {
  const { carryOver, expired } = carry({
    retainer: input.retainer,
    included: hoursToUnits(String(input.retainer.hours), 'retainer.hours', true),
    carriedIn: hoursToUnits(input.carriedInHours, 'carriedInHours'),
    used: hoursToUnits(input.usedHours, 'usedHours'),
  });
  return { carryOverHours: unitsToHours(carryOver), expiredHours: unitsToHours(expired) };
}

/**
 * Retainer billing: the fixed amount as one line, hours beyond the allowance (included + carried in)
 * as one overage line. Carried-in hours are spent first and lapse at the end of the period; only this
 * period's unused included hours roll over (when rollover is on), so hours never pile up forever.
 * Project and task rates do not apply: retainer hours are counted, not priced.
 */
export function retainerLines(input: {
  billing: BillingConfig;
  groups: readonly TimeGroup[];
  period: Period;
  carriedOverHours: string;
  alreadyInvoicedHours: string | undefined;
}): { usage: RetainerUsage; lines: LineSpec[] } {
  const retainer = input.billing.retainer;
  if (!retainer) throw new Error('retainerLines needs a client with a retainer');
  const included = hoursToUnits(String(retainer.hours), 'billing.retainer.hours', true);
  const carriedIn = hoursToUnits(input.carriedOverHours, 'carriedOverHours');
  const prior = hoursToUnits(input.alreadyInvoicedHours ?? '0', 'retainerAlreadyInvoicedHours');
  const used = input.groups.reduce((n, g) => n + g.quantityUnits, 0);
  const allowance = included + carriedIn;
  const total = prior + used;
  const overage = Math.max(0, total - allowance) - Math.max(0, prior - allowance);
  const { carryOver, expired } = carry({ retainer, included, carriedIn, used: total });
  const rate = overageRate(input.billing);
  const usage: RetainerUsage = {
    includedHours: unitsToHours(included),
    carriedInHours: unitsToHours(carriedIn),
    allowanceHours: unitsToHours(allowance),
    alreadyInvoicedHours: unitsToHours(prior),
    usedHours: unitsToHours(used),
    coveredHours: unitsToHours(used - overage),
    overageHours: unitsToHours(overage),
    overageRate: rate,
    rollover: retainer.rollover,
    carryOverCapHours:
      retainer.maxCarryOverHours === undefined
        ? null
        : unitsToHours(hoursToUnits(String(retainer.maxCarryOverHours), 'maxCarryOverHours', true)),
    carryOverHours: unitsToHours(carryOver),
    expiredHours: unitsToHours(expired),
  };
  const when = formatDateRange(input.period.firstDate, input.period.lastDate);
  const entries = input.groups.flatMap((g) => g.entries);
  const seconds = {
    rawSeconds: input.groups.reduce((n, g) => n + g.rawSeconds, 0),
    overlapSeconds: input.groups.reduce((n, g) => n + g.overlapSeconds, 0),
    billedSeconds: input.groups.reduce((n, g) => n + g.billedSeconds, 0),
  };
  const once =
    seconds.overlapSeconds > 0
      ? `; ${formatDuration(seconds.overlapSeconds)} of overlapping entries counted once`
      : '';
  const parts = input.groups.map((g) => ({
    label: g.label,
    quantity: unitsToHours(g.quantityUnits),
    entryIds: g.entries.map((e) => e.entryId),
  }));
  const lines: LineSpec[] = [];
  if (input.alreadyInvoicedHours === undefined) {
    const carried = carriedIn > 0 ? ` + ${h(carriedIn)} carried over` : '';
    lines.push({
      kind: 'retainer',
      description: `Retainer — ${h(included)} included${carried}, ${h(used)} used, ${when}`,
      rateAt: null,
      quantityUnits: 10_000,
      exactQuantity: ratio(1),
      rate: { source: 'retainer', sourceId: null, unitAmount: toFixed(retainer.amount, UNIT_DP) },
      entries,
      ...seconds,
      parts,
      summary: `fixed retainer amount; ${h(used)} used of ${h(allowance)} allowed${once}`,
    });
  }
  if (overage > 0) {
    const from = retainer.overageRate === undefined ? 'the hourly rate' : 'the retainer overage rate';
    const sums =
      prior > 0
        ? `${h(used)} new + ${h(prior)} on an earlier draft, ${h(allowance)} allowed: ${h(overage)} not billed yet`
        : `${h(used)} used − ${h(allowance)} allowed = ${h(overage)}`;
    const head = `Hours beyond the retainer — ${h(overage)}`;
    lines.push({
      kind: 'overage',
      description: `${head}, ${when}`,
      rateAt: head.length,
      quantityUnits: overage,
      exactQuantity: ratio(overage, 10_000),
      rate,
      entries,
      ...seconds,
      parts,
      summary: `${sums}, at ${from}${once}`,
    });
  }
  return { usage, lines };
}

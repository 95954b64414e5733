import { z } from 'zod';
import { isCurrencyCode } from '../money/currency.js';
import { dec, decimalsOf, isDecimalText } from '../money/decimal.js';
import { currencyAmounts, INVOICE_LIMITS } from '../money/invoice-amounts.js';
import { WEEKDAYS } from '../time/zoned.js';

const currency = z.string().refine(isCurrencyCode, {
  error: (i) => `expected a 3-letter ISO 4217 currency code such as "AUD", got "${String(i.input)}"`,
});

const tooLarge = (text: string, limit: string) =>
  `${text} is more than ${limit}, the largest amount an invoice carries exactly: check for a typo`;

/** A non-negative money amount or rate as a decimal string with up to 4 decimals ("55.00"). */
const amount = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value).trim();
  // 1e25 (a YAML number) or "1e25": say what the limit is, not only that it is no decimal.
  if (text !== '' && Number(text) > Number(INVOICE_LIMITS.unitAmount)) {
    ctx.addIssue({ code: 'custom', message: tooLarge(text, INVOICE_LIMITS.unitAmount) });
    return z.NEVER;
  }
  if (!isDecimalText(text) || text.startsWith('-')) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a non-negative amount such as "55.00", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  if ((text.split('.')[1] ?? '').length > 4) {
    ctx.addIssue({
      code: 'custom',
      message: `at most 4 decimals are allowed (what an invoice line carries), got "${text}"`,
    });
    return z.NEVER;
  }
  if (dec(text).gt(INVOICE_LIMITS.unitAmount)) {
    ctx.addIssue({ code: 'custom', message: tooLarge(text, INVOICE_LIMITS.unitAmount) });
    return z.NEVER;
  }
  if (typeof value === 'number' && !Number.isInteger(value)) {
    ctx.addIssue({
      code: 'custom',
      message: `write amounts with decimals in quotes ("${text}") so they stay exact`,
    });
    return z.NEVER;
  }
  return text;
});

/** Hours as a YAML number with at most 4 decimals (the invoice's quantity precision). */
const hours = (min: 'positive' | 'non-negative') =>
  (min === 'positive' ? z.number().positive() : z.number().min(0))
    .max(Number(INVOICE_LIMITS.quantity), {
      error: (i) => `${String(i.input)} hours is more than ${INVOICE_LIMITS.quantity}: check for a typo`,
    })
    .refine((h) => isDecimalText(String(h)) && (String(h).split('.')[1] ?? '').length <= 4, {
      error: (i) =>
        `expected hours with at most 4 decimals such as 20 or 12.5, got ${JSON.stringify(i.input)}`,
    });

export const roundingSchema = z.strictObject({
  /** Increment in minutes; 0 bills exact time. */
  minutes: z.number().int().min(0).max(240),
  /** @defaultValue `up` */
  mode: z.enum(['up', 'down', 'nearest']).default('up'),
  /** @defaultValue `entry` */
  per: z.enum(['entry', 'line']).default('entry'),
});

export const retainerSchema = z.strictObject({
  /** Included hours per period, up to 4 decimals (Xero's quantity precision). */
  hours: hours('positive'),
  /** The fixed fee per period, in the currency's invoice precision (whole yen, cents, 0.01 KWD). */
  amount,
  /** Rate for hours beyond the retainer; the client's hourly rate if absent. */
  overageRate: amount.optional(),
  /** Unused included hours move to the next period. @defaultValue false */
  rollover: z.boolean().default(false),
  /** With rollover, at most this many hours carry over; the rest lapse. @defaultValue no cap beyond the included hours */
  maxCarryOverHours: hours('non-negative').optional(),
});

export const billingSchema = z
  .strictObject({
    currency,
    hourlyRate: amount,
    projectRates: z
      .record(
        z.string().regex(/^\d+$/, { error: "project rate keys are the time tracker's project ids" }),
        amount,
      )
      .default({}),
    taskRates: z
      .record(z.string().regex(/^\d+$/, { error: "task rate keys are the time tracker's task ids" }), amount)
      .default({}),
    /** @defaultValue exact time: `{ minutes: 0, mode: up, per: entry }` */
    rounding: roundingSchema.default({ minutes: 0, mode: 'up', per: 'entry' }),
    grouping: z.enum(['project', 'task', 'day', 'description', 'single']).default('project'),
    cycle: z.enum(['weekly', 'monthly']).default('monthly'),
    weekStartsOn: z.enum(WEEKDAYS).default('mon'),
    paymentTermsDays: z.number().int().min(0).max(365).default(14),
    retainer: retainerSchema.optional(),
    /** The Toggl tag that marks time as invoiced. */
    invoicedTag: z.string().min(1).default('invoiced'),
    lineAmountTypes: z.enum(['Exclusive', 'Inclusive', 'NoTax']).default('Exclusive'),
    /**
     * Two entries of one person covering the same minutes: `bill-once` bills those minutes once
     * (the later entry gives them up) and says so; `bill-both` bills both, still reporting the overlap.
     * @defaultValue `bill-once`
     */
    overlaps: z.enum(['bill-once', 'bill-both']).default('bill-once'),
  })
  .superRefine((b, ctx) => {
    const retainer = b.retainer;
    if (!retainer) return;
    if (isCurrencyCode(b.currency)) {
      const { amountDigits } = currencyAmounts(b.currency);
      if (decimalsOf(retainer.amount) > amountDigits) {
        ctx.addIssue({
          code: 'custom',
          path: ['retainer', 'amount'],
          message:
            amountDigits === 0
              ? `${b.currency} has no minor unit: write the retainer fee in whole ${b.currency}, got "${retainer.amount}"`
              : `an invoice holds ${b.currency} to ${amountDigits} decimals: write the retainer fee with at most ${amountDigits}, got "${retainer.amount}"`,
        });
      }
    }
    if (retainer.maxCarryOverHours !== undefined && !retainer.rollover) {
      ctx.addIssue({
        code: 'custom',
        path: ['retainer', 'maxCarryOverHours'],
        message: 'maxCarryOverHours only applies with rollover: true: add rollover: true or remove the cap',
      });
    }
  });

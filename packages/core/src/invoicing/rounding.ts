import type { BillingConfig } from '../config/schema.js';

export type TimeRounding = BillingConfig['rounding'];
export type TimeRoundingMode = TimeRounding['mode'];

/**
 * Round a duration in whole seconds to the increment. `nearest` rounds an exact half up (7 min 30 s
 * at 15-minute increments becomes 15 min). An increment of 0 bills exact time. Integers only.
 */
export function roundSeconds(seconds: number, rule: Pick<TimeRounding, 'minutes' | 'mode'>): number {
  if (rule.minutes === 0) return seconds;
  const step = rule.minutes * 60;
  const whole = Math.floor(seconds / step) * step;
  const rest = seconds - whole;
  if (rest === 0) return seconds;
  if (rule.mode === 'up') return whole + step;
  if (rule.mode === 'down') return whole;
  return rest * 2 >= step ? whole + step : whole;
}

/** Ten-thousandths of an hour per second is 10000/3600 = 25/9. */
const UNITS_NUM = 25;
const UNITS_DEN = 9;

/**
 * Seconds as Xero's 4-decimal quantity of hours, in integer ten-thousandths. Increments such as 6 or
 * 15 minutes give exact hours, but 10 min (0.1666… h) or 10 min 1 s do not fit in 4 decimals, so the
 * quantity is rounded once more, in the direction of the client's rounding mode: `up` never bills
 * less than tracked, `down` never more, `nearest` goes half up.
 */
export function quantityUnits(seconds: number, mode: TimeRoundingMode): number {
  const scaled = seconds * UNITS_NUM;
  if (mode === 'up') return Math.ceil(scaled / UNITS_DEN);
  if (mode === 'down') return Math.floor(scaled / UNITS_DEN);
  return Math.floor((2 * scaled + UNITS_DEN) / (2 * UNITS_DEN));
}

/** Integer ten-thousandths as a decimal string with exactly 4 decimals: 17500 → "1.7500". */
export function unitsToFixed(units: number): string {
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(5, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

/** Integer ten-thousandths as short hours for people: 125000 → "12.5", 17500 → "1.75", 20000 → "2". */
export function unitsToHours(units: number): string {
  return unitsToFixed(units).replace(/\.?0+$/, '');
}

/** What the rounding rule did, in words. */
export function describeRounding(rule: TimeRounding): string {
  if (rule.minutes === 0) return 'exact time';
  const how = rule.mode === 'nearest' ? 'to the nearest' : `${rule.mode} to`;
  const what = rule.per === 'entry' ? 'each entry' : 'the line total';
  return `${what} rounded ${how} ${rule.minutes} min`;
}

/** "1 h 10 min 1 s", "45 min", "0 s". */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', s ? `${s} s` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' ') : '0 s';
}

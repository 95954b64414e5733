import { isValidTimeZone, parseClock, VahubError, type Weekday } from '@vahub/core';

const CRON_DAY: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

/** A time of day as `HH:MM`, checked. */
function clock(at: string): { hour: number; minute: number } {
  const minutes = parseClock(at);
  if (minutes === null || minutes >= 24 * 60)
    throw new VahubError(`"${at}" is not a time of day: write it as HH:MM, e.g. "00:05"`);
  return { hour: Math.floor(minutes / 60), minute: minutes % 60 };
}

/**
 * The cron pattern of "at the start of each billing period": the first day of the month, or the
 * first day of the week, at `at` local time (the scheduler reads it in the client's billing zone).
 * A few minutes past midnight gives late timers of the last day time to stop.
 */
export function billingPeriodCron(options: {
  cycle: 'weekly' | 'monthly';
  /** @defaultValue "mon" */
  weekStartsOn?: Weekday;
  /** @defaultValue "00:05" */
  at?: string;
}): string {
  const { hour, minute } = clock(options.at ?? '00:05');
  if (options.cycle === 'monthly') return `${minute} ${hour} 1 * *`;
  return `${minute} ${hour} * * ${CRON_DAY[options.weekStartsOn ?? 'mon']}`;
}

/** Once a week, on `day` at `at` local time: the weekly reports, on the VA's clock. */
export function weeklyCron(options: { day: Weekday; at: string }): string {
  const { hour, minute } = clock(options.at);
  return `${minute} ${hour} * * ${CRON_DAY[options.day]}`;
}

/** Every day at `at` local time. */
export function dailyCron(at: string): string {
  const { hour, minute } = clock(at);
  return `${minute} ${hour} * * *`;
}

/** Refuse a zone the scheduler would not know, naming it. */
export function assertTimeZone(tz: string, where: string): void {
  if (!isValidTimeZone(tz))
    throw new VahubError(`${where}: "${tz}" is not an IANA time zone (e.g. "Australia/Sydney")`);
}

import { z } from 'zod';
import { isValidTimeZone, parseClock, WEEKDAYS, type Weekday } from '../time/zoned.js';
import { billingSchema } from './billing-schema.js';
import { plannerSettingsShape } from './planner-schema.js';

const timeZone = z.string().refine(isValidTimeZone, {
  error: (i) => `unknown IANA time zone "${String(i.input)}": use a name like "Australia/Sydney"`,
});

const minutes = (min: number, max: number) => z.number().int().min(min).max(max);

/** "08:30-17:00" or "08:30-12:00, 13:00-17:00". */
const dayRanges = z.string().transform((text, ctx) => {
  const ranges = [];
  for (const part of text.split(',')) {
    const [from, to, extra] = part.split('-').map((s) => s.trim());
    const start = from === undefined ? null : parseClock(from);
    const end = to === undefined ? null : parseClock(to);
    if (start === null || end === null || extra !== undefined) {
      ctx.addIssue({ code: 'custom', message: `expected hours like "08:30-17:00", got "${part.trim()}"` });
      return z.NEVER;
    }
    if (end <= start) {
      ctx.addIssue({
        code: 'custom',
        message: `working hours "${part.trim()}" end before they start: overnight shifts are not supported, split them at midnight`,
      });
      return z.NEVER;
    }
    ranges.push({ startMinute: start, endMinute: end });
  }
  ranges.sort((a, b) => a.startMinute - b.startMinute);
  for (let i = 1; i < ranges.length; i++) {
    if ((ranges[i]?.startMinute ?? 0) < (ranges[i - 1]?.endMinute ?? 0)) {
      ctx.addIssue({ code: 'custom', message: `the ranges in "${text}" overlap` });
      return z.NEVER;
    }
  }
  return ranges;
});

/** Keys are a weekday (`fri`) or a span (`mon-thu`); unlisted days are days off. */
const workingHours = z.record(z.string(), dayRanges).transform((byKey, ctx) => {
  const week = Object.fromEntries(
    WEEKDAYS.map((d) => [d, [] as { startMinute: number; endMinute: number }[]]),
  );
  for (const [key, ranges] of Object.entries(byKey)) {
    const [a, b, extra] = key.toLowerCase().split('-');
    const from = WEEKDAYS.indexOf(a as Weekday);
    const to = b === undefined ? from : WEEKDAYS.indexOf(b as Weekday);
    if (from < 0 || to < 0 || to < from || extra !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `"${key}" is not a weekday or span: use mon, tue, … sun or a span like "mon-thu"`,
      });
      continue;
    }
    for (let d = from; d <= to; d++) {
      const day = WEEKDAYS[d] as Weekday;
      if ((week[day] ?? []).length > 0) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${day} is given twice: list each day once` });
      }
      week[day] = ranges;
    }
  }
  if (Object.values(week).every((r) => r.length === 0)) {
    ctx.addIssue({
      code: 'custom',
      message: 'no working hours at all: give at least one day, e.g. mon-fri: "09:00-17:00"',
    });
  }
  return week as Record<Weekday, { startMinute: number; endMinute: number }[]>;
});

const vaSchema = z.strictObject({
  name: z.string().min(1).optional(),
  timezone: timeZone,
  workingHours,
});

const calendarSchema = z
  .strictObject({
    id: z.string().min(1).default('primary'),
    /** Further calendars whose events make the VA busy (a shared family calendar, a second job). */
    busyCalendars: z.array(z.string().min(1)).default([]),
    bufferMinutes: minutes(0, 240).default(10),
    minBlockMinutes: minutes(5, 480).default(30),
    maxBlockMinutes: minutes(5, 720).default(120),
    horizonDays: z.number().int().min(1).max(90).default(14),
    /** Nothing is placed earlier than now plus this. */
    earliestStartMinutes: minutes(0, 1440).default(15),
    titleTemplate: z.string().min(1).default('[{client}] {task}'),
    ...plannerSettingsShape,
  })
  .refine((c) => c.maxBlockMinutes >= c.minBlockMinutes, {
    error: 'maxBlockMinutes is smaller than minBlockMinutes: raise the maximum or lower the minimum',
    path: ['maxBlockMinutes'],
  });

/** A client of the VA, vendor-neutral. Each connector adds its own section (`asana:`, `xero:`, …). */
export const baseClientShape = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    error: 'client ids are lower-case letters, digits and dashes, e.g. "koala-co"',
  }),
  name: z.string().min(1),
  timezone: timeZone,
  /** Calendar colour id ("1"–"11") for this client's blocks. */
  color: z
    .string()
    .regex(/^([1-9]|1[01])$/, { error: 'calendar colour ids are "1" to "11"' })
    .optional(),
  billing: billingSchema,
};

const url = z.url({
  error: (i) => `expected an absolute URL such as "https://…", got ${JSON.stringify(i.input)}`,
});

/** Hosts a plain `http:` endpoint may name: this machine only (the fakes, a local proxy). */
const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why `text` may not be an endpoint, or null: an absolute `https:` URL (plain `http:` only to a
 * loopback address), without a user name or password, and no other scheme (`file:`, `data:`, …).
 * The message never repeats a URL that carries credentials.
 */
export function endpointProblem(text: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return `expected an absolute URL such as "https://…", got ${JSON.stringify(text)}`;
  }
  if (parsed.username !== '' || parsed.password !== '')
    return 'the URL carries a user name or password: remove the "user:password@" part (credentials come from the environment, never from a URL)';
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:') {
    return LOOPBACK_HOST.test(parsed.hostname)
      ? null
      : `plain http: is allowed only to this machine (127.0.0.1, localhost, [::1]): use https://${parsed.host}${parsed.pathname}`;
  }
  return `the scheme "${parsed.protocol}" is not allowed for an endpoint: use an https:// address`;
}

/** Every `endpoints.<connector>.<name>`: see `endpointProblem`. */
export const endpointUrl = z.string().superRefine((text, ctx) => {
  const problem = endpointProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem, input: text });
});

const webhooksSchema = z
  .strictObject({
    /** The public HTTPS address the vendors deliver to (a tunnel or reverse proxy in front of vahub). */
    publicUrl: url.optional(),
    port: z.number().int().min(1).max(65535).default(8787),
  })
  .default({ port: 8787 });

/** "16:00": a time of day on the VA's clock. */
const timeOfDay = z.string().refine((t) => (parseClock(t) ?? 24 * 60) < 24 * 60, {
  error: (i) => `expected a time of day like "16:00", got ${JSON.stringify(i.input)}`,
});

export const WEEKLY_REPORT_DEFAULTS = { enabled: true, day: 'fri', at: '16:00', lookaheadDays: 14 } as const;

/**
 * `reports.weekly`: when the weekly client reports are prepared, on the VA's clock. Whether a
 * client's report is also posted where the client looks is the task connector's setting.
 */
const weeklyReportSchema = z.strictObject({
  /** Prepare a report for every client each week. @defaultValue true */
  enabled: z.boolean().default(WEEKLY_REPORT_DEFAULTS.enabled),
  /** The weekday, in the VA's zone. @defaultValue `fri` */
  day: z.enum(WEEKDAYS).default(WEEKLY_REPORT_DEFAULTS.day),
  /** The time of day, in the VA's zone. @defaultValue "16:00" */
  at: timeOfDay.default(WEEKLY_REPORT_DEFAULTS.at),
  /** How far ahead the report lists deadlines. @defaultValue 14 */
  lookaheadDays: z.number().int().min(1).max(90).default(WEEKLY_REPORT_DEFAULTS.lookaheadDays),
});

const reportsSchema = z
  .strictObject({ weekly: weeklyReportSchema.default(WEEKLY_REPORT_DEFAULTS) })
  .default({ weekly: WEEKLY_REPORT_DEFAULTS });

export const CALENDAR_DEFAULTS = {
  id: 'primary',
  busyCalendars: [],
  bufferMinutes: 10,
  minBlockMinutes: 30,
  maxBlockMinutes: 120,
  horizonDays: 14,
  earliestStartMinutes: 15,
  titleTemplate: '[{client}] {task}',
};

/** The vendor-neutral top-level sections; `createConfigSchema` adds clients and the connectors' sections. */
export const baseConfigShape = {
  va: vaSchema,
  calendar: calendarSchema.default(CALENDAR_DEFAULTS),
  webhooks: webhooksSchema,
  reports: reportsSchema,
};

const baseClientSchema = z.strictObject(baseClientShape);

/** A client as the flows and engines see it: no vendor's ids. */
export type ClientConfig = z.output<typeof baseClientSchema>;
export type BillingConfig = ClientConfig['billing'];
export type CalendarConfig = z.output<typeof calendarSchema>;
export type VaConfig = z.output<typeof vaSchema>;
export type WebhooksConfig = z.output<typeof webhooksSchema>;
export type ReportsConfig = z.output<typeof reportsSchema>;
export type WeeklyReportConfig = ReportsConfig['weekly'];

/** The config as the flows and engines see it: the VA, the calendar settings and the clients. */
export interface VahubConfig {
  va: VaConfig;
  calendar: CalendarConfig;
  clients: ClientConfig[];
  webhooks: WebhooksConfig;
  reports: ReportsConfig;
}

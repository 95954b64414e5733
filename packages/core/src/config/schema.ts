import { z } from 'zod';
import { isCurrencyCode } from '../money/currency.js';
import { isDecimalText } from '../money/decimal.js';
import { isValidTimeZone, parseClock, WEEKDAYS, type Weekday } from '../time/zoned.js';
import { plannerSettingsShape } from './planner-schema.js';

const timeZone = z.string().refine(isValidTimeZone, {
  error: (i) => `unknown IANA time zone "${String(i.input)}": use a name like "Australia/Sydney"`,
});

const currency = z.string().refine(isCurrencyCode, {
  error: (i) => `expected a 3-letter ISO 4217 currency code such as "AUD", got "${String(i.input)}"`,
});

/** A non-negative money amount or rate as a decimal string with up to 4 decimals ("55.00"). */
const amount = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const text = String(value).trim();
  if (!isDecimalText(text) || text.startsWith('-')) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a non-negative amount such as "55.00", got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  }
  if ((text.split('.')[1] ?? '').length > 4) {
    ctx.addIssue({ code: 'custom', message: `at most 4 decimals are allowed (Xero's limit), got "${text}"` });
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

const gid = z.union([z.string().regex(/^\d+$/), z.number().int().positive()]).transform(String);
const positiveInt = z.number().int().positive();
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

const roundingSchema = z.strictObject({
  /** Increment in minutes; 0 bills exact time. */
  minutes: minutes(0, 240),
  mode: z.enum(['up', 'down', 'nearest']).default('up'),
  per: z.enum(['entry', 'line']).default('entry'),
});

const retainerSchema = z.strictObject({
  /** Included hours per period, up to 4 decimals (Xero's quantity precision). */
  hours: z
    .number()
    .positive()
    .refine((h) => isDecimalText(String(h)) && (String(h).split('.')[1] ?? '').length <= 4, {
      error: (i) =>
        `expected hours with at most 4 decimals such as 20 or 12.5, got ${JSON.stringify(i.input)}`,
    }),
  amount,
  /** Rate for hours beyond the retainer; the client's hourly rate if absent. */
  overageRate: amount.optional(),
  /** Unused hours move to the next period. */
  rollover: z.boolean().default(false),
});

const billingSchema = z.strictObject({
  currency,
  hourlyRate: amount,
  projectRates: z
    .record(z.string().regex(/^\d+$/, { error: 'project rate keys are Toggl project ids' }), amount)
    .default({}),
  taskRates: z
    .record(z.string().regex(/^\d+$/, { error: 'task rate keys are Toggl task ids' }), amount)
    .default({}),
  rounding: roundingSchema.default({ minutes: 0, mode: 'up', per: 'entry' }),
  grouping: z.enum(['project', 'task', 'day', 'description', 'single']).default('project'),
  cycle: z.enum(['weekly', 'monthly']).default('monthly'),
  weekStartsOn: z.enum(WEEKDAYS).default('mon'),
  paymentTermsDays: z.number().int().min(0).max(365).default(14),
  retainer: retainerSchema.optional(),
  /** The Toggl tag that marks time as invoiced. */
  invoicedTag: z.string().min(1).default('invoiced'),
  lineAmountTypes: z.enum(['Exclusive', 'Inclusive', 'NoTax']).default('Exclusive'),
});

const uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: 'expected a Xero id (a UUID such as "717f2bfc-c6d4-41fd-b238-3f2f0c0cf777")',
  });

const clientSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    error: 'client ids are lower-case letters, digits and dashes, e.g. "koala-co"',
  }),
  name: z.string().min(1),
  timezone: timeZone,
  /** Google Calendar colour id ("1"–"11") for this client's blocks. */
  color: z
    .string()
    .regex(/^([1-9]|1[01])$/, { error: 'Google colour ids are "1" to "11"' })
    .optional(),
  asana: z.strictObject({
    projects: z.array(gid).min(1, { error: 'list at least one Asana project gid' }),
    defaultEstimateMinutes: minutes(5, 10_000).default(60),
    /** Name or gid of the duration custom field that holds estimates. */
    estimateField: z.string().min(1).default('Estimated time'),
  }),
  toggl: z
    .strictObject({
      workspaceId: positiveInt,
      clientId: positiveInt.optional(),
      projectIds: z.array(positiveInt).default([]),
    })
    .refine((t) => t.clientId !== undefined || t.projectIds.length > 0, {
      error: 'give toggl.clientId or toggl.projectIds so vahub knows which time belongs to this client',
    }),
  billing: billingSchema,
  xero: z.strictObject({
    tenantId: uuid,
    contactId: uuid,
    accountCode: z.string().min(1).max(10),
    taxType: z.string().min(1).default('OUTPUT'),
    brandingThemeId: uuid.optional(),
  }),
});

const url = z.url({
  error: (i) => `expected an absolute URL such as "https://…", got ${JSON.stringify(i.input)}`,
});

/** Every outbound URL, so the whole product can run against proxies, regions or the local fakes. */
export const DEFAULT_ENDPOINTS = {
  asana: {
    api: 'https://app.asana.com/api/1.0',
    authorize: 'https://app.asana.com/-/oauth_authorize',
    token: 'https://app.asana.com/-/oauth_token',
  },
  toggl: {
    api: 'https://api.track.toggl.com/api/v9',
    reports: 'https://api.track.toggl.com/reports/api/v3',
    webhooks: 'https://api.track.toggl.com/webhooks/api/v1',
  },
  google: {
    api: 'https://www.googleapis.com/',
    authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
    token: 'https://oauth2.googleapis.com/token',
    revoke: 'https://oauth2.googleapis.com/revoke',
  },
  xero: {
    api: 'https://api.xero.com/api.xro/2.0',
    authorize: 'https://login.xero.com/identity/connect/authorize',
    token: 'https://identity.xero.com/connect/token',
    connections: 'https://api.xero.com/connections',
    revoke: 'https://identity.xero.com/connect/revocation',
  },
} as const;

const endpointsSchema = z
  .strictObject({
    asana: z.strictObject({ api: url, authorize: url, token: url }).partial().default({}),
    toggl: z.strictObject({ api: url, reports: url, webhooks: url }).partial().default({}),
    google: z.strictObject({ api: url, authorize: url, token: url, revoke: url }).partial().default({}),
    xero: z
      .strictObject({ api: url, authorize: url, token: url, connections: url, revoke: url })
      .partial()
      .default({}),
  })
  .default({ asana: {}, toggl: {}, google: {}, xero: {} })
  .transform((e) => ({
    asana: { ...DEFAULT_ENDPOINTS.asana, ...e.asana },
    toggl: { ...DEFAULT_ENDPOINTS.toggl, ...e.toggl },
    google: { ...DEFAULT_ENDPOINTS.google, ...e.google },
    xero: { ...DEFAULT_ENDPOINTS.xero, ...e.xero },
  }));

/** Secrets: only `${VAR}` references may be written here (the loader refuses literals). */
const authSchema = z
  .strictObject({
    asana: z.strictObject({ token: z.string().min(1) }).optional(),
    toggl: z.strictObject({ apiToken: z.string().min(1) }).optional(),
    google: z.strictObject({ clientId: z.string().min(1), clientSecret: z.string().min(1) }).optional(),
    xero: z
      .strictObject({
        clientId: z.string().min(1),
        clientSecret: z.string().min(1),
        webhookKey: z.string().min(1).optional(),
      })
      .optional(),
  })
  .default({});

const webhooksSchema = z
  .strictObject({
    /** The public HTTPS address the vendors deliver to (a tunnel or reverse proxy in front of vahub). */
    publicUrl: url.optional(),
    port: z.number().int().min(1).max(65535).default(8787),
  })
  .default({ port: 8787 });

export const configSchema = z.strictObject({
  va: vaSchema,
  calendar: calendarSchema.default({
    id: 'primary',
    busyCalendars: [],
    bufferMinutes: 10,
    minBlockMinutes: 30,
    maxBlockMinutes: 120,
    horizonDays: 14,
    earliestStartMinutes: 15,
    titleTemplate: '[{client}] {task}',
  }),
  clients: z.array(clientSchema).min(1, { error: 'list at least one client' }),
  endpoints: endpointsSchema,
  auth: authSchema,
  webhooks: webhooksSchema,
});

export type VahubConfig = z.output<typeof configSchema>;
export type ClientConfig = VahubConfig['clients'][number];
export type BillingConfig = ClientConfig['billing'];
export type CalendarConfig = VahubConfig['calendar'];
export type VaConfig = VahubConfig['va'];
export type Endpoints = VahubConfig['endpoints'];

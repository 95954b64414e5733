import { isIsoWeek } from '@vahub/core';
import { z } from 'zod';

// Job payloads are vendor-neutral: a provider is a connector id (opaque here), every other id is the
// vendor's own string or a vahub client id. A job says *that* something changed; its handler
// re-reads what is true now, so a payload never carries the vendor's record.

const id = z.string().min(1).max(500);
const isoInstant = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

/** One "something changed" event from a webhook or a sweep, for the job of its subject. */
export const changeEventPayload = z.object({
  /** The connector id that reported it. */
  provider: id,
  /** The event's identity at the vendor: the job id and the dedupe entry derive from it. */
  eventId: id,
  /** The webhook delivery it came in, when it came by webhook. */
  deliveryId: id.nullable().default(null),
  action: z.enum(['created', 'changed', 'deleted']),
  /** The task, entry, event or invoice; null when the vendor only says "something in here changed". */
  resourceId: id.nullable(),
  /** Where it happened in the vendor's terms (project, workspace, tenant, channel). */
  scope: id.nullable(),
  /** When it happened at the vendor, if said. */
  at: isoInstant.nullable(),
  receivedAt: isoInstant,
});
export type ChangeEventPayload = z.infer<typeof changeEventPayload>;

/** Plan the VA's calendar again from the mirrors. Coalesced per VA: the reason is the latest one. */
export const replanPayload = z.object({
  /** Why, for the log line: `task changed`, `meeting added`, `manual`. */
  reason: z.string().min(1).max(200),
});

/** A billing period: first and last local date, in the client's billing time zone. */
export const periodSchema = z
  .object({ firstDate: isoDate, lastDate: isoDate })
  .refine((p) => p.firstDate <= p.lastDate, { message: 'firstDate must not be after lastDate' });

/** Draft the invoice of one client for one period. */
export const invoiceRunPayload = z.object({
  clientId: id,
  /**
   * `just-ended`: the period that ended when the job was scheduled to run (what a billing-cycle
   * scheduler fires); or an explicit period (on demand).
   */
  period: z.union([z.literal('just-ended'), periodSchema]),
  trigger: z.enum(['schedule', 'manual']),
});

/** Read what webhooks may have missed: one provider's changes since its cursor. */
export const sweepPayload = z.object({
  provider: id,
  subject: z.enum(['task', 'time-entry', 'calendar', 'invoice']),
  /** One client's part; null for all of them. */
  clientId: id.nullable(),
});

/** Rebuild mirrors, cursors and mappings from the apps (after Redis lost them). */
export const reconcilePayload = z.object({
  /** One client; null for every client and the VA's calendar. */
  clientId: id.nullable(),
});

/** Renew push channels (subscriptions that expire) of a provider before they lapse. */
export const channelsRenewPayload = z.object({ provider: id });

const isoWeek = z.string().refine(isIsoWeek, {
  error: (i) => `expected an ISO week like "2026-W49", got ${JSON.stringify(i.input)}`,
});

/** Prepare the weekly client reports (and post them where the client's config says). */
export const weeklyReportPayload = z.object({
  /**
   * The ISO week, read in each client's zone; null: the week the job was scheduled in, by the report
   * rule (from Thursday the current week, until Wednesday the week before).
   */
  week: isoWeek.nullable().default(null),
  /** One client; null for every client. */
  clientId: id.nullable().default(null),
});

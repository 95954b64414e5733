import { z } from 'zod';

/**
 * Zod schemas for what Toggl answers. Every object is loose (`z.looseObject`): Toggl adds fields
 * freely and vahub must not break when it does. Only the fields vahub reads are declared.
 */

const id = z.number().int();
const nullableId = id.nullable().optional();
/** Toggl writes instants with an offset ("2026-11-02T09:00:00+00:00"); normalised to UTC later. */
const instant = z.string().min(1);

export const meSchema = z.looseObject({
  id,
  email: z.string().optional(),
  fullname: z.string().nullable().optional(),
  timezone: z.string().nullable().optional(),
  default_workspace_id: nullableId,
});

export const workspaceSchema = z.looseObject({
  id,
  name: z.string(),
  organization_id: nullableId,
  default_hourly_rate: z.number().nullable().optional(),
  default_currency: z.string().nullable().optional(),
  rounding: z.number().nullable().optional(),
  rounding_minutes: z.number().nullable().optional(),
});

export const clientSchema = z.looseObject({
  id,
  name: z.string(),
  wid: nullableId,
  workspace_id: nullableId,
  archived: z.boolean().optional(),
});

export const projectSchema = z.looseObject({
  id,
  name: z.string(),
  workspace_id: nullableId,
  wid: nullableId,
  client_id: nullableId,
  cid: nullableId,
  active: z.boolean().optional(),
  billable: z.boolean().nullable().optional(),
  rate: z.number().nullable().optional(),
  currency: z.string().nullable().optional(),
});

export const taskSchema = z.looseObject({
  id,
  name: z.string(),
  project_id: nullableId,
  workspace_id: nullableId,
  active: z.boolean().optional(),
  estimated_seconds: z.number().nullable().optional(),
  tracked_seconds: z.number().nullable().optional(),
});

export const tagSchema = z.looseObject({ id, name: z.string() });

/** A v9 time entry. The legacy aliases `wid`/`pid`/`tid`/`uid` are accepted where the new names are absent. */
export const timeEntrySchema = z.looseObject({
  id,
  workspace_id: nullableId,
  wid: nullableId,
  project_id: nullableId,
  pid: nullableId,
  task_id: nullableId,
  tid: nullableId,
  user_id: nullableId,
  uid: nullableId,
  billable: z.boolean().nullable().optional(),
  start: instant,
  stop: instant.nullable().optional(),
  /** Seconds; negative while the entry is running. */
  duration: z.number(),
  description: z.string().nullable().optional(),
  tags: z.array(z.string()).nullable().optional(),
  tag_ids: z.array(id).nullable().optional(),
  at: instant.optional(),
  /** Set on entries deleted at the source; only `since` reads return those. */
  server_deleted_at: instant.nullable().optional(),
});

/** One time entry inside a Reports v3 row. */
export const reportTimeEntrySchema = z.looseObject({
  id,
  seconds: z.number(),
  start: instant,
  stop: instant.nullable().optional(),
  at: instant.optional(),
});

/** A Reports v3 detailed row: the shared attributes, and the entries that have them. */
export const reportRowSchema = z.looseObject({
  user_id: nullableId,
  project_id: nullableId,
  task_id: nullableId,
  billable: z.boolean().nullable().optional(),
  description: z.string().nullable().optional(),
  tag_ids: z.array(id).nullable().optional(),
  /** Present when the request asked for `enrich_response`. */
  tag_names: z.array(z.string()).nullable().optional(),
  row_number: z.number().int().optional(),
  time_entries: z.array(reportTimeEntrySchema),
});

/** Both lists are always there (an empty one may be `null`): an answer without them says nothing. */
export const bulkPatchResultSchema = z.looseObject({
  success: z.array(id).nullable(),
  failure: z.array(z.looseObject({ id, message: z.string().optional() })).nullable(),
});

export const eventFilterSchema = z.looseObject({ entity: z.string(), action: z.string() });

export const subscriptionSchema = z.looseObject({
  subscription_id: id,
  workspace_id: id,
  user_id: nullableId,
  enabled: z.boolean(),
  description: z.string().nullable().optional(),
  event_filters: z.array(eventFilterSchema),
  url_callback: z.string(),
  secret: z.string().optional(),
  validated_at: z.string().nullable().optional(),
  has_pending_events: z.boolean().optional(),
  created_at: z.string().optional(),
});

export type RawTimeEntry = z.infer<typeof timeEntrySchema>;
export type RawReportRow = z.infer<typeof reportRowSchema>;
export type RawSubscription = z.infer<typeof subscriptionSchema>;

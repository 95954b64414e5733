import { z } from 'zod';

/**
 * What vahub reads of Asana's answers, checked at the boundary. Fields vahub does not use are
 * dropped; fields it uses are checked, so a surprising answer fails loudly here and not in a mapper.
 */

export const resourceRef = z.object({
  gid: z.string().min(1),
  resource_type: z.string().optional(),
  name: z.string().nullish(),
});
export type ResourceRef = z.infer<typeof resourceRef>;

const isoDate = z.iso.date();
const isoInstant = z.iso.datetime({ offset: true });

export const customFieldValue = z.object({
  gid: z.string(),
  name: z.string().nullish(),
  type: z.string().nullish(),
  resource_subtype: z.string().nullish(),
  /** `duration` for time fields; their `number_value` is minutes. */
  format: z.string().nullish(),
  number_value: z.number().nullish(),
  /** A single-select field's chosen option. */
  enum_value: z.object({ gid: z.string().optional(), name: z.string().nullish() }).nullish(),
  enabled: z.boolean().nullish(),
});
export type CustomFieldValue = z.infer<typeof customFieldValue>;

export const asanaTask = z.object({
  gid: z.string().min(1),
  name: z.string().default(''),
  due_on: isoDate.nullish(),
  due_at: isoInstant.nullish(),
  start_on: isoDate.nullish(),
  start_at: isoInstant.nullish(),
  assignee: resourceRef.nullish(),
  completed: z.boolean().default(false),
  completed_at: isoInstant.nullish(),
  modified_at: isoInstant.nullish(),
  memberships: z
    .array(z.object({ project: resourceRef.nullish(), section: resourceRef.nullish() }))
    .default([]),
  custom_fields: z.array(customFieldValue).default([]),
  tags: z.array(resourceRef).default([]),
  permalink_url: z.string().nullish(),
});
export type AsanaTask = z.infer<typeof asanaTask>;

/** The fields `getTask` and the project listing ask for: exactly what the mapper reads (gids always come). */
export const TASK_FIELDS = [
  'name',
  'due_on',
  'due_at',
  'start_on',
  'start_at',
  'assignee',
  'completed',
  'completed_at',
  'modified_at',
  'memberships.project',
  'custom_fields.name',
  'custom_fields.type',
  'custom_fields.resource_subtype',
  'custom_fields.format',
  'custom_fields.number_value',
  'custom_fields.enabled',
  'custom_fields.enum_value.name',
  'tags.name',
  'permalink_url',
] as const;

export const nextPage = z.object({ offset: z.string().min(1), path: z.string().optional() }).nullish();

export const taskPage = z.object({ data: z.array(asanaTask), next_page: nextPage });

export const asanaEvent = z.object({
  user: resourceRef.nullish(),
  resource: resourceRef,
  type: z.string().optional(),
  action: z.string(),
  parent: resourceRef.nullish(),
  created_at: isoInstant.nullish(),
  change: z.object({ field: z.string().optional(), action: z.string().optional() }).passthrough().nullish(),
});
export type AsanaEvent = z.infer<typeof asanaEvent>;

export const eventsPage = z.object({
  data: z.array(z.unknown()),
  sync: z.string().min(1),
  has_more: z.boolean().default(false),
});

/** A 412 from `/events`: the sync token was missing or too old; the body carries a fresh one. */
export const expiredSync = z.object({ sync: z.string().min(1) });

export const asanaWebhook = z.object({
  gid: z.string().min(1),
  active: z.boolean().default(false),
  resource: resourceRef,
  target: z.string(),
  created_at: isoInstant.nullish(),
  last_success_at: isoInstant.nullish(),
  last_failure_at: isoInstant.nullish(),
  last_failure_content: z.string().nullish(),
});
export type AsanaWebhook = z.infer<typeof asanaWebhook>;

export const createdWebhook = z.object({
  data: asanaWebhook,
  /** Asana repeats the handshake secret in the 201 body: the authoritative copy. */
  'X-Hook-Secret': z.string().min(1).optional(),
});

export const webhookPage = z.object({ data: z.array(asanaWebhook), next_page: nextPage });

export const asanaUser = z.object({ gid: z.string().min(1), name: z.string().nullish() });

/** A workspace or project as a listing gives it (`opt_fields=name`). */
export const namedResource = z.object({ gid: z.string().min(1), name: z.string().nullish() });
export const namedPage = z.object({ data: z.array(namedResource), next_page: nextPage });

export const asanaProject = z.object({
  gid: z.string().min(1),
  name: z.string().nullish(),
  workspace: resourceRef,
});

/** A status update as vahub reads it back: enough to know whether this week's report is there. */
export const asanaStatusUpdate = z.object({
  gid: z.string().min(1),
  title: z.string().nullish(),
  created_at: isoInstant.nullish(),
});
export type AsanaStatusUpdate = z.infer<typeof asanaStatusUpdate>;

export const statusUpdatePage = z.object({ data: z.array(asanaStatusUpdate), next_page: nextPage });

/** The `status_type`s Asana takes for a project's status update. */
export type ProjectStatusType = 'on_track' | 'at_risk' | 'off_track' | 'on_hold' | 'complete' | 'dropped';

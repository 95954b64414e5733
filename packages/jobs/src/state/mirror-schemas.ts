import type { BusyInterval, Task } from '@vahub/core';
import { z } from 'zod';

// What the mirrors hold is read back by later versions of vahub: checked on the way out, so a
// changed shape is a clear "rebuild the mirror" instead of a wrong plan.

const due = z.union([
  z.object({ kind: z.literal('date'), date: z.string() }),
  z.object({ kind: z.literal('instant'), at: z.string() }),
]);

export const mirroredTask = z.object({
  id: z.string(),
  clientId: z.string(),
  name: z.string(),
  url: z.string().nullable(),
  status: z.enum(['open', 'completed', 'deleted', 'unassigned']),
  estimateMinutes: z.number().nullable(),
  trackedMinutes: z.number().nullable(),
  due: due.nullable(),
  startOn: due.nullable(),
  priority: z.object({ urgent: z.boolean(), important: z.boolean() }),
  modifiedAt: z.string().nullable(),
  completedAt: z.string().nullable().optional(),
}) satisfies z.ZodType<Task>;

export const mirroredBusy = z.object({
  start: z.string(),
  end: z.string(),
  source: z.string().optional(),
}) satisfies z.ZodType<BusyInterval>;

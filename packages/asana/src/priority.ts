import { NO_PRIORITY, type TaskPriority } from '@vahub/core';
import type { AsanaPrioritySection, PriorityLevel } from './config.js';
import type { CustomFieldValue, ResourceRef } from './schemas.js';

const LEVELS: Record<PriorityLevel, TaskPriority> = {
  'urgent+important': { urgent: true, important: true },
  urgent: { urgent: true, important: false },
  important: { urgent: false, important: true },
  none: NO_PRIORITY,
};

const fold = (text: string | null | undefined) => (text ?? '').trim().toLowerCase();

/** The level of the chosen option of the client's priority field (by gid, else by name), if any. */
function fieldLevel(fields: readonly CustomFieldValue[], section: AsanaPrioritySection): TaskPriority {
  const wanted = section.field.trim();
  const field = fields.find((f) => f.gid === wanted) ?? fields.find((f) => fold(f.name) === fold(wanted));
  if (field === undefined || field.enabled === false) return NO_PRIORITY;
  const chosen = fold(field.enum_value?.name);
  if (chosen === '') return NO_PRIORITY;
  const match = Object.entries(section.options).find(([name]) => fold(name) === chosen);
  return match ? LEVELS[match[1]] : NO_PRIORITY;
}

/**
 * Where a task sits on the urgent/important matrix for its client: the option chosen in the client's
 * priority field, plus its tags. Unknown options and tags say nothing; no field and no tag is
 * `NO_PRIORITY`.
 */
export function priorityOf(
  fields: readonly CustomFieldValue[],
  tags: readonly ResourceRef[],
  section: AsanaPrioritySection,
): TaskPriority {
  const fromField = fieldLevel(fields, section);
  const names = new Set(tags.map((t) => fold(t.name)));
  const tagged = (list: readonly string[]) => list.some((name) => names.has(fold(name)));
  const urgent = fromField.urgent || tagged(section.urgentTags);
  const important = fromField.important || tagged(section.importantTags);
  if (!urgent && !important) return NO_PRIORITY;
  return { urgent, important };
}

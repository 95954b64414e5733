import type { IsoInstant } from '@vahub/core';

/**
 * A part of the snapshot that may be missing: no Redis, no calendar, a vendor that did not answer.
 * Unavailable parts say why in words; the rest of the snapshot is still there.
 */
export type Part<T> = { status: 'ok'; data: T } | { status: 'unavailable'; reason: string };

/** A calendar colour, with its name so no one has to tell colours apart to read the page. */
export interface Colour {
  /** The calendar's colour id ("1"–"11"), or null for the default. */
  id: string | null;
  name: string;
  /** Background and the text colour readable on it (WCAG contrast ≥ 4.5). */
  hex: string;
  text: string;
}

/** A time read on one wall clock. */
export interface LocalTime {
  zone: string;
  /** "2026-12-01". */
  date: string;
  /** "Tue 1 Dec, 17:00". */
  text: string;
}

export interface WeekBlock {
  id: string;
  clientId: string;
  clientName: string;
  taskId: string;
  title: string;
  start: IsoInstant;
  end: IsoInstant;
  /** Start and end on the VA's clock: "Tue 1 Dec, 09:00–10:30". */
  vaLocal: LocalTime;
  minutes: number;
  colour: Colour;
  movedByVa: boolean;
}

export interface WeekMeeting {
  start: IsoInstant;
  end: IsoInstant;
  vaLocal: LocalTime;
  /** What made the time busy, when the calendar says (`meeting`, `all-day`). */
  source: string | null;
}

export interface WeekDeadline {
  taskId: string;
  taskName: string;
  clientId: string;
  clientName: string;
  url: string | null;
  /** The instant it is due by (a due date ends at midnight in the client's zone). */
  dueBy: IsoInstant;
  kind: 'date' | 'instant';
  /** As the client reads it, and as the VA reads it. */
  clientLocal: LocalTime;
  vaLocal: LocalTime;
  overdue: boolean;
}

export interface WeekView {
  /** "2026-W49", in the VA's zone. */
  id: string;
  label: string;
  zone: string;
  start: IsoInstant;
  end: IsoInstant;
  days: { date: string; label: string }[];
  blocks: WeekBlock[];
  meetings: WeekMeeting[];
  deadlines: WeekDeadline[];
}

/** A task the planner could not fit: late (its deadline passed) or at risk (not enough time before it). */
export interface TaskAlert {
  taskId: string;
  taskName: string;
  clientId: string;
  kind: 'late' | 'at-risk';
  /** The planner's reason code and its words. */
  reason: string;
  message: string;
  missingMinutes: number;
  deadline: IsoInstant | null;
}

export interface RetainerGauge {
  includedHours: string;
  carriedInHours: string;
  allowanceHours: string;
  usedHours: string;
  leftHours: string;
  overageHours: string;
  usedPercent: number;
  /** The marks drawn on the gauge, as percentages of the allowance. */
  marks: [80, 100];
  /** `under-80`, `past-80` (from 80%), `past-100` (from 100%). */
  level: 'under-80' | 'past-80' | 'past-100';
}

export interface ClientBilling {
  /** "Nov 2026", "30 Nov – 6 Dec 2026". */
  periodLabel: string;
  currency: string;
  unbilledHours: string;
  unbilledAmount: string;
  lineAmountTypes: 'Exclusive' | 'Inclusive' | 'NoTax';
  note: string | null;
  retainer: RetainerGauge | null;
}

export interface WeekHoursPoint {
  /** "2026-W48", in the client's zone. */
  week: string;
  /** "23 Nov". */
  label: string;
  /** Billable hours, rounded as billed. */
  hours: string;
}

export interface DraftState {
  invoiceId: string;
  invoiceNumber: string | null;
  /** "Nov 2026" or the reference the caller knows. */
  label: string;
  total: string;
  currency: string;
  /** The invoicing app's state now (DRAFT, AUTHORISED, PAID, …); null when it no longer has it. */
  status: string | null;
}

export interface ClientPanel {
  id: string;
  name: string;
  zone: string;
  colour: Colour;
  billing: Part<ClientBilling>;
  /** The last eight ISO weeks (client's zone), oldest first, the current one last. */
  weeklyHours: Part<WeekHoursPoint[]>;
  drafts: Part<DraftState[]>;
}

export interface QueueHealth {
  queue: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

export interface FailedJobHealth {
  queue: string;
  jobId: string;
  kind: string;
  /** The message a person acts on (secrets redacted). */
  reason: string;
  failedAt: IsoInstant | null;
}

export interface WebhookDeliveries {
  provider: string;
  outcome: string;
  count: number;
}

export interface RateLimitHeadroom {
  provider: string;
  /** Calls left in the current window, and the window's size; null when unknown. */
  remaining: number | null;
  limit: number | null;
  /** Words: "60 per minute per tenant". */
  note: string;
}

export interface ConnectionHealth {
  connector: string;
  state: 'ok' | 'needs-redo';
  /** What to do, for one that needs redoing: "vahub connect xero". */
  action: string | null;
}

export interface ServiceHealth {
  queues: Part<{ queues: QueueHealth[]; failed: FailedJobHealth[] }>;
  webhooks: Part<WebhookDeliveries[]>;
  rateLimits: Part<RateLimitHeadroom[]>;
  connections: Part<ConnectionHealth[]>;
}

/**
 * Everything the dashboard and `vahub status` show, at one instant: JSON-safe (strings, numbers,
 * booleans, arrays and plain objects only), so `--json` and `/api/snapshot` print it as it is.
 */
export interface StatusSnapshot {
  version: 1;
  generatedAt: IsoInstant;
  va: { name: string | null; zone: string };
  week: Part<WeekView>;
  attention: Part<TaskAlert[]>;
  clients: ClientPanel[];
  health: ServiceHealth;
}

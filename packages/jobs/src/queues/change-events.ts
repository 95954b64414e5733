import { VahubError, type WebhookEvent } from '@vahub/core';
import type { Job } from 'bullmq';
import { changeEventPayload } from '../catalog/payloads.js';
import { eventJobId } from './job-ids.js';
import type { JobQueues } from './queues.js';

/**
 * How long an event is remembered. Longer than every provider's redelivery window (Asana retries
 * for 24 h; the others for less), with room for a delivery that was queued at the vendor for days.
 */
export const DEFAULT_DEDUPE_TTL_MS = 8 * 24 * 60 * 60 * 1000;

/** The job of each event subject. */
export const CHANGE_EVENT_JOBS = {
  task: 'event.task',
  'time-entry': 'event.time-entry',
  calendar: 'event.calendar',
  invoice: 'event.invoice',
} as const satisfies Record<WebhookEvent['subject'], string>;

export type ChangeEventJob = (typeof CHANGE_EVENT_JOBS)[WebhookEvent['subject']];

export interface EnqueuedEvent {
  outcome: 'enqueued' | 'duplicate';
  job: ChangeEventJob;
  /** The event's job: this call's, or the one its first delivery made. */
  jobId: string;
}

/**
 * The job and payload one event becomes, checked: a receiver that produced an event vahub cannot
 * queue (an unknown subject, an empty id) gets a `VahubError` naming it, before anything is queued.
 */
export function changeEventJob(options: {
  provider: string;
  deliveryId: string | null;
  event: WebhookEvent;
  /** @defaultValue now */
  receivedAt?: string;
}) {
  const { provider, event } = options;
  const job: ChangeEventJob | undefined = Object.hasOwn(CHANGE_EVENT_JOBS, event.subject)
    ? CHANGE_EVENT_JOBS[event.subject]
    : undefined;
  if (!job) throw new VahubError(`a ${provider} event has an unknown subject "${String(event.subject)}"`);
  const parsed = changeEventPayload.safeParse({
    provider,
    eventId: event.id,
    deliveryId: options.deliveryId,
    action: event.action,
    resourceId: event.resourceId,
    scope: event.scope,
    at: event.at,
    receivedAt: options.receivedAt ?? new Date().toISOString(),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VahubError(
      `a ${provider} event cannot be queued (${issue?.path.join('.')}: ${issue?.message})`,
    );
  }
  return { job, once: eventJobId(provider, event.id), payload: parsed.data };
}

/** An event's job as `changeEventJob` made it: checked, ready to add. */
export type CheckedEvent = ReturnType<typeof changeEventJob>;

/**
 * Take in one "something changed" event, once: its job is added once per event identity for
 * `rememberMs` (`JobQueues.addCheckedOnce`), so a redelivery, racing the first delivery or arriving
 * a day after its job's record was removed, makes no second job. One round trip.
 */
export async function enqueueChangeEvent(options: {
  queues: JobQueues;
  provider: string;
  deliveryId: string | null;
  event: WebhookEvent;
  receivedAt?: string;
  /** The event as `changeEventJob` already made it (the receiver checks a delivery whole first). */
  checked?: CheckedEvent;
  /** @defaultValue 8 days (`DEFAULT_DEDUPE_TTL_MS`) */
  rememberMs?: number;
}): Promise<EnqueuedEvent> {
  const { job, once, payload } = options.checked ?? changeEventJob(options);
  const { jobId, added } = await options.queues.addCheckedOnce(job, payload, {
    once,
    forMs: options.rememberMs ?? DEFAULT_DEDUPE_TTL_MS,
  });
  return { outcome: added ? 'enqueued' : 'duplicate', job, jobId };
}

/**
 * The job a provider's event became, while the event is remembered and the job's record kept (for
 * tests and for a person tracing one event).
 */
export async function findEventJob(
  queues: JobQueues,
  job: ChangeEventJob,
  provider: string,
  eventId: string,
): Promise<Job | undefined> {
  const queue = queues.queue(job);
  const jobId = await queue.getDeduplicationJobId(eventJobId(provider, eventId));
  return jobId ? queue.getJob(jobId) : undefined;
}

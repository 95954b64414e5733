import type { Logger, WebhookOutcome, WebhookReceiver, WebhookReply, WebhookRequest } from '@vahub/core';
import { type CheckedEvent, changeEventJob, enqueueChangeEvent, type JobQueues } from '@vahub/jobs';
import { type Deadline, DeadlineError, deadline } from './deadline.js';

/** What became of one delivery, for the reply, the log line and the metrics. */
export interface DeliveryResult {
  reply: WebhookReply;
  /** accepted, duplicate, handled, rejected, invalid (the receiver failed on it), unavailable (Redis). */
  outcome: 'accepted' | 'duplicate' | 'handled' | 'rejected' | 'invalid' | 'unavailable';
  reason?: string;
  deliveryId?: string;
  enqueued?: number;
}

export interface DeliveryDeps {
  queues: JobQueues;
  logger: Logger;
  /** The whole of verifying and enqueueing must fit in this. */
  answerWithinMs: number;
}

const unavailable = (reason: string): DeliveryResult => ({
  reply: { status: 503, headers: { 'retry-after': '5' } },
  outcome: 'unavailable',
  reason,
});

/**
 * Hand one delivery to its connector's receiver, and enqueue what it accepted, once per event.
 * Never throws: a receiver that throws is a 400 (the delivery cannot be read; a sweep heals what it
 * held); Redis that cannot take the events, or a receiver that hangs, is a 503 so the vendor
 * delivers again later.
 */
export async function takeDelivery(options: {
  provider: string;
  receiver: WebhookReceiver;
  request: WebhookRequest;
  deps: DeliveryDeps;
}): Promise<DeliveryResult> {
  const { provider, receiver, request, deps } = options;
  // Verifying and enqueueing share one deadline (one timer per delivery).
  const answerBy = deadline(deps.answerWithinMs);
  try {
    return await take(provider, receiver, request, deps, answerBy);
  } finally {
    answerBy.clear();
  }
}

async function take(
  provider: string,
  receiver: WebhookReceiver,
  request: WebhookRequest,
  deps: DeliveryDeps,
  answerBy: Deadline,
): Promise<DeliveryResult> {
  let outcome: WebhookOutcome;
  try {
    outcome = await answerBy.within(receiver.receive(request), 'the receiver');
  } catch (err) {
    if (err instanceof DeadlineError) return unavailable(err.message);
    deps.logger.error(
      { provider, err: err instanceof Error ? `${err.name}: ${err.message}` : String(err) },
      'the receiver failed on a delivery',
    );
    return { reply: { status: 400 }, outcome: 'invalid', reason: 'the delivery could not be read' };
  }

  if (outcome.kind === 'rejected')
    return { reply: clamp(outcome.reply, 400, 499, 400), outcome: 'rejected', reason: outcome.reason };
  if (outcome.kind === 'handled')
    return { reply: clamp(outcome.reply, 200, 299, 200), outcome: 'handled', reason: outcome.note };

  // Check every event before enqueueing any: a delivery is taken whole or not at all.
  let checked: CheckedEvent[];
  try {
    checked = outcome.events.map((event) =>
      changeEventJob({ provider, deliveryId: outcome.deliveryId, event }),
    );
  } catch (err) {
    deps.logger.error(
      { provider, deliveryId: outcome.deliveryId, err: err instanceof Error ? err.message : String(err) },
      'the receiver accepted events vahub cannot queue',
    );
    return { reply: { status: 400 }, outcome: 'invalid', reason: 'the delivery held unreadable events' };
  }
  try {
    const results = await answerBy.within(
      Promise.all(
        outcome.events.map((event, i) =>
          enqueueChangeEvent({
            queues: deps.queues,
            provider,
            deliveryId: outcome.deliveryId,
            event,
            checked: checked[i],
          }),
        ),
      ),
      'enqueueing the events',
    );
    const enqueued = results.filter((r) => r.outcome === 'enqueued').length;
    return {
      reply: clamp(outcome.reply, 200, 299, 200),
      outcome: enqueued > 0 || results.length === 0 ? 'accepted' : 'duplicate',
      deliveryId: outcome.deliveryId,
      enqueued,
    };
  } catch (err) {
    deps.logger.warn(
      { provider, deliveryId: outcome.deliveryId, err: err instanceof Error ? err.message : String(err) },
      'could not enqueue a delivery; the vendor will deliver it again',
    );
    return unavailable('the events could not be queued');
  }
}

/** A receiver's status outside what its outcome allows is a bug: never let it become a 5xx. */
function clamp(reply: WebhookReply, min: number, max: number, fallback: number): WebhookReply {
  const ok = Number.isInteger(reply.status) && reply.status >= min && reply.status <= max;
  return ok ? reply : { ...reply, status: fallback };
}

import { formatInstant, redact } from '@vahub/core';
import type { SnapshotDeps } from './deps.js';
import { part } from './part.js';
import type { FailedJobHealth, QueueHealth, ServiceHealth, WebhookDeliveries } from './types.js';

async function queues(deps: SnapshotDeps): Promise<{ queues: QueueHealth[]; failed: FailedJobHealth[] }> {
  const q = deps.queues;
  if (!q) throw new Error('not configured');
  const [depths, failed] = await Promise.all([q.depths(), q.failed(20)]);
  return {
    queues: depths.map((d) => ({
      queue: d.queue,
      waiting: d.waiting + d.prioritized,
      active: d.active,
      delayed: d.delayed,
      failed: d.failed,
    })),
    // The payload is left out: it is the job's business, and may name more than a person needs here.
    failed: failed.map((f) => ({
      queue: f.queue,
      jobId: f.jobId,
      kind: f.kind,
      reason: redact(f.reason),
      failedAt: f.failedAt === null ? null : formatInstant(f.failedAt),
    })),
  };
}

/** Webhook deliveries answered by this process, by provider and outcome (the `/metrics` counter). */
async function webhooks(deps: SnapshotDeps): Promise<WebhookDeliveries[]> {
  const metric = deps.metrics?.registry.getSingleMetric('vahub_http_requests_total');
  if (!metric) throw new Error('not configured');
  const { values } = await metric.get();
  const sums = new Map<string, WebhookDeliveries>();
  for (const v of values) {
    const provider = v.labels.provider;
    if (provider === undefined || provider === '') continue;
    const outcome = String(v.labels.outcome ?? 'unknown');
    const key = `${provider}\u0000${outcome}`;
    const row = sums.get(key) ?? { provider: String(provider), outcome, count: 0 };
    row.count += v.value;
    sums.set(key, row);
  }
  return [...sums.values()].sort(
    (a, b) => a.provider.localeCompare(b.provider) || a.outcome.localeCompare(b.outcome),
  );
}

/** Queues, webhook deliveries, rate-limit headroom and connections: each on its own, never thrown. */
export async function readHealth(deps: SnapshotDeps, timeoutMs: number): Promise<ServiceHealth> {
  const [q, w, r, c] = await Promise.all([
    part('queues (Redis)', deps.queues ? () => queues(deps) : null, timeoutMs),
    part('webhook deliveries', deps.metrics ? () => webhooks(deps) : null, timeoutMs),
    part('rate limits', deps.rateLimits, timeoutMs),
    part('connections', deps.connections, timeoutMs),
  ]);
  return { queues: q, webhooks: w, rateLimits: r, connections: c };
}

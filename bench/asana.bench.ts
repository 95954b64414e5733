import { createHmac } from 'node:crypto';
import { AsanaClient, AsanaWebhookReceiver, RequestBudget, StateHandshakeRegistry } from '@vahub/asana';
import { startWorld } from '@vahub/asana/testing';
import { MemoryStateStore } from '@vahub/core';

/**
 * The Asana connector's two hot paths, each against a bare baseline measured in the same run:
 *
 * 1. Listing a project of 2,000 tasks (20 pages of 100) through `AsanaClient` (the asana SDK on
 *    core's pipeline, zod checks) against the fake, versus the same 20 page requests with bare `fetch`
 *    and `JSON.parse`. The ratio is what the SDK, the pipeline and the boundary checks cost per listing.
 * 2. Receiving a webhook delivery of 100 events (`AsanaWebhookReceiver`: state lookup, HMAC
 *    verification over the raw bytes, zod parse, mapping, event ids) versus computing the HMAC alone.
 */

const TASKS = 2_000;
const LISTINGS = 10;
const DELIVERIES = 2_000;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export default async function run(): Promise<void> {
  const world = await startWorld();
  try {
    for (let i = 0; i < TASKS; i++) {
      world.fake.createTask({
        name: `task ${i}`,
        projects: [world.koala.gid],
        assignee: world.va.gid,
        dueOn: '2026-12-01',
        customFields: { [world.estimate.gid]: 30 + (i % 90) },
      });
    }
    const client = new AsanaClient({
      token: world.vaToken,
      baseUrl: world.apiUrl,
      limiter: new RequestBudget({ limit: 1_000_000 }),
    });
    const bare = async () => {
      let offset: string | undefined;
      let count = 0;
      do {
        const url = `${world.apiUrl}/projects/${world.koala.gid}/tasks?completed_since=now&limit=100&opt_fields=name,due_on,due_at,assignee,completed,memberships.project,custom_fields.number_value${offset ? `&offset=${offset}` : ''}`;
        const res = await fetch(url, { headers: { authorization: `Bearer ${world.vaToken}` } });
        const body = (await res.json()) as { data: unknown[]; next_page: { offset: string } | null };
        count += body.data.length;
        offset = body.next_page?.offset;
      } while (offset);
      return count;
    };
    // Warm both paths (JIT, sockets) before measuring.
    await bare();
    await client.listIncompleteTasks(world.koala.gid);

    let start = process.hrtime.bigint();
    for (let i = 0; i < LISTINGS; i++)
      if ((await bare()) !== TASKS) throw new Error('bare listing lost tasks');
    const bareMs = ms(start) / LISTINGS;
    start = process.hrtime.bigint();
    for (let i = 0; i < LISTINGS; i++) {
      if ((await client.listIncompleteTasks(world.koala.gid)).length !== TASKS)
        throw new Error('listing lost tasks');
    }
    const sdkMs = ms(start) / LISTINGS;
    console.log(
      `list ${TASKS} tasks (20 pages): bare fetch ${bareMs.toFixed(1)} ms, AsanaClient ${sdkMs.toFixed(1)} ms, ratio ${(sdkMs / bareMs).toFixed(2)}x`,
    );

    const secret = 'b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81';
    const registry = new StateHandshakeRegistry(new MemoryStateStore());
    const receiver = new AsanaWebhookReceiver({ registry });
    await registry.saveSecret({
      hookKey: 'k',
      webhookId: '1',
      projectId: world.koala.gid,
      target: 't',
      secret,
      createdAt: '',
    });
    const events = Array.from({ length: 100 }, (_, i) => ({
      user: { gid: world.va.gid, resource_type: 'user' },
      resource: { gid: String(1_300_000_000 + i), resource_type: 'task', resource_subtype: 'default_task' },
      type: 'task',
      action: i % 10 === 0 ? 'added' : 'changed',
      ...(i % 10 === 0 ? { parent: { gid: world.koala.gid, resource_type: 'project' } } : {}),
      created_at: '2026-11-28T09:00:00.000Z',
      ...(i % 10 === 0 ? {} : { change: { field: 'due_on', action: 'changed' } }),
    }));
    const rawBody = Buffer.from(JSON.stringify({ events }));
    const signature = createHmac('sha256', secret).update(rawBody).digest('hex');
    const headers = { 'x-hook-signature': signature };

    start = process.hrtime.bigint();
    for (let i = 0; i < DELIVERIES; i++) createHmac('sha256', secret).update(rawBody).digest('hex');
    const hmacUs = (ms(start) * 1000) / DELIVERIES;
    start = process.hrtime.bigint();
    for (let i = 0; i < DELIVERIES; i++) {
      const outcome = await receiver.receive({ hook: 'k', headers, rawBody });
      if (outcome.kind !== 'accepted' || outcome.events.length !== 100)
        throw new Error('delivery lost events');
    }
    const receiveUs = (ms(start) * 1000) / DELIVERIES;
    console.log(
      `receive a 100-event delivery (${rawBody.length} bytes): HMAC alone ${hmacUs.toFixed(1)} µs, AsanaWebhookReceiver ${receiveUs.toFixed(1)} µs, ratio ${(receiveUs / hmacUs).toFixed(2)}x`,
    );
  } finally {
    await world.fake.stop();
  }
}

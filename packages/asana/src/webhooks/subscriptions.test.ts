import { MemoryStateStore, type StateStore } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AsanaClientEntry } from '../config.js';
import { AsanaConnection, asanaConnector } from '../descriptor.js';
import { Receiver } from '../testing/receiver.js';
import { connectorContext, startWorld, type World } from '../testing/scenario.js';

let world: World;
let state: StateStore;
const receivers: Receiver[] = [];

/** The connector as the service builds it, over a shared state store, for these clients. */
function connection(clients: readonly AsanaClientEntry[] = world.clients, store: StateStore = state) {
  const built = asanaConnector.create(
    connectorContext({ clients, apiUrl: world.apiUrl, token: world.vaToken, deps: { state: store } }),
  );
  if (!(built instanceof AsanaConnection)) throw new Error('the asana connector builds an AsanaConnection');
  return built;
}

/** A receiver in front of the connection's webhooks; its public URL is what `ensure` is given. */
async function receiverFor(conn: AsanaConnection): Promise<{ receiver: Receiver; publicUrl: string }> {
  const receiver = new Receiver(conn.webhooks);
  await receiver.start();
  receivers.push(receiver);
  return { receiver, publicUrl: receiver.base.replace(/\/webhooks\/asana$/, '') };
}

const atAsana = () =>
  [...world.fake.webhooks.values()].map((h) => ({ project: h.resource.gid, target: h.target })).sort();

beforeEach(async () => {
  world = await startWorld();
  state = new MemoryStateStore();
});
afterEach(async () => {
  await world.fake.stop();
  await Promise.all(receivers.splice(0).map((r) => r.stop()));
});

describe('AsanaSubscriptions (the subscriptions capability) against the fake, through a real receiver', () => {
  it('makes one webhook per configured project, handshakes answered; a second ensure keeps them', async () => {
    const conn = connection();
    const { receiver, publicUrl } = await receiverFor(conn);
    const first = await conn.subscriptions.ensure({ publicUrl });
    expect(first.created.map((s) => s.scope).sort()).toEqual([world.koala.gid, world.thames.gid].sort());
    expect(first.kept).toEqual([]);
    expect(first.removed).toEqual([]);
    for (const s of first.created) {
      expect(s.address.startsWith(`${publicUrl}/webhooks/asana/`)).toBe(true);
      expect(s.expiresAt).toBeNull();
      expect(world.fake.webhooks.get(s.id)?.target).toBe(s.address);
    }
    expect(receiver.outcomes.filter((o) => o.kind === 'handled')).toHaveLength(2);
    expect((await conn.subscriptions.list()).map((s) => s.id).sort()).toEqual(
      first.created.map((s) => s.id).sort(),
    );

    const again = await conn.subscriptions.ensure({ publicUrl });
    expect(again.created).toEqual([]);
    expect(again.removed).toEqual([]);
    expect(again.kept.map((s) => s.id).sort()).toEqual(first.created.map((s) => s.id).sort());
    expect(world.fake.webhooks.size).toBe(2);
    expect(receiver.outcomes.filter((o) => o.kind === 'handled')).toHaveLength(2);
  });

  it('a new public URL: the webhooks move there and the old ones are deleted at Asana', async () => {
    const conn = connection();
    const old = await receiverFor(conn);
    const next = await receiverFor(conn);
    const first = await conn.subscriptions.ensure({ publicUrl: old.publicUrl });
    const moved = await conn.subscriptions.ensure({ publicUrl: next.publicUrl });
    expect(moved.removed.map((s) => s.id).sort()).toEqual(first.created.map((s) => s.id).sort());
    expect(moved.created).toHaveLength(2);
    expect(atAsana().every((h) => h.target.startsWith(`${next.publicUrl}/webhooks/asana/`))).toBe(true);
    expect(world.fake.webhooks.size).toBe(2);
  });

  it('a project no longer configured loses its webhook; a webhook that is not vahub’s is left alone', async () => {
    const conn = connection();
    const { publicUrl } = await receiverFor(conn);
    await conn.subscriptions.ensure({ publicUrl });
    const foreign = { ...[...world.fake.webhooks.values()][0]!, gid: world.fake.nextGid() };
    foreign.target = 'https://other.example/hook';
    world.fake.webhooks.set(foreign.gid, foreign);
    const koalaOnly = connection(world.clients.filter((c) => c.section.projects.includes(world.koala.gid)));
    const changes = await koalaOnly.subscriptions.ensure({ publicUrl });
    expect(changes.removed.map((s) => s.scope)).toEqual([world.thames.gid]);
    expect(changes.kept.map((s) => s.scope)).toEqual([world.koala.gid]);
    expect(changes.created).toEqual([]);
    expect(atAsana().filter((h) => h.target.startsWith(publicUrl))).toEqual([
      expect.objectContaining({ project: world.koala.gid }),
    ]);
    expect(world.fake.webhooks.get(foreign.gid)?.target).toBe('https://other.example/hook');
  });

  it('heals: a webhook deleted at Asana is made again; after vahub lost its secrets, the unverifiable ones are replaced', async () => {
    const conn = connection();
    const { publicUrl } = await receiverFor(conn);
    const first = await conn.subscriptions.ensure({ publicUrl });
    const koala = first.created.find((s) => s.scope === world.koala.gid);
    world.fake.webhooks.delete(koala?.id ?? '');
    const healed = await conn.subscriptions.renew({ publicUrl });
    expect(healed.removed.map((s) => s.id)).toEqual([koala?.id]);
    expect(healed.created.map((s) => s.scope)).toEqual([world.koala.gid]);
    expect(healed.kept.map((s) => s.scope)).toEqual([world.thames.gid]);

    // Redis flushed: no secret kept. Asana's webhooks under vahub's address cannot be verified any more.
    for (const key of await state.keys('')) await state.delete(key);
    const before = [...world.fake.webhooks.keys()];
    const lost = await conn.subscriptions.ensure({ publicUrl });
    expect(lost.removed.map((s) => s.id).sort()).toEqual(before.sort());
    expect(lost.created.map((s) => s.scope).sort()).toEqual([world.koala.gid, world.thames.gid].sort());
    expect(world.fake.webhooks.size).toBe(2);
    expect((await conn.subscriptions.list()).map((s) => s.id).sort()).toEqual(
      [...world.fake.webhooks.keys()].sort(),
    );
  });
});

import { isReconnectRequired } from '@vahub/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asanaConnector } from './descriptor.js';
import { WORKSPACE } from './testing/model.js';
import { connectorContext, startWorld, type World } from './testing/scenario.js';

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(() => world.fake.stop());

const build = (token: string | undefined) =>
  asanaConnector.create(connectorContext({ clients: world.clients, apiUrl: world.apiUrl, token }));

describe('listIds', () => {
  it('lists the workspaces and each one’s projects that are not archived, across pages', async () => {
    world.fake.addProject({ name: 'Old Client', archived: true });
    for (let i = 0; i < 120; i++) world.fake.addProject({ name: `Client ${i}` });
    const tables = await build(world.vaToken).listIds?.();
    expect(tables?.[0]).toMatchObject({
      title: 'workspaces',
      rows: [{ gid: WORKSPACE.gid, name: WORKSPACE.name }],
    });
    const projects = tables?.[1];
    expect(projects).toMatchObject({
      title: 'projects',
      configKey: 'clients[].asana.projects',
      within: `${WORKSPACE.name} (${WORKSPACE.gid})`,
      columns: ['gid', 'name'],
    });
    expect(projects?.rows).toHaveLength(122);
    expect(projects?.rows.slice(0, 2)).toEqual([
      { gid: world.koala.gid, name: 'Koala Co' },
      { gid: world.thames.gid, name: 'Thames Studio' },
    ]);
    expect(projects?.rows.some((r) => r.name === 'Old Client')).toBe(false);
    const pages = world.fake.server.requestsTo('GET', `/api/1.0/workspaces/${WORKSPACE.gid}/projects`);
    expect(pages.map((r) => [r.query.archived, r.query.limit, r.query.offset !== undefined])).toEqual([
      ['false', '100', false],
      ['false', '100', true],
    ]);
  });

  it('without a token, says to connect Asana and calls nothing', async () => {
    const err = await build(undefined)
      .listIds?.()
      .catch((e: unknown) => e);
    expect(isReconnectRequired(err)).toBe(true);
    expect(world.fake.server.requests).toHaveLength(0);
  });
});

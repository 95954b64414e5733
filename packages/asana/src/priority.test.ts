import { NO_PRIORITY } from '@vahub/core';
import { afterEach, describe, expect, it } from 'vitest';
import { AsanaClient } from './client.js';
import { asanaClientSchema } from './config.js';
import { priorityOf } from './priority.js';
import type { CustomFieldValue } from './schemas.js';
import { AsanaTaskSource } from './task-source.js';
import { clientConfig, startWorld, type World } from './testing/scenario.js';

const defaults = asanaClientSchema.parse({ projects: ['1'] }).priority;

function select(name: string, option: string | null, gid = '700'): CustomFieldValue {
  return {
    gid,
    name,
    type: 'enum',
    resource_subtype: 'enum',
    enum_value: option === null ? null : { gid: `${gid}1`, name: option },
    enabled: true,
  };
}
const tag = (name: string) => ({ gid: '9', resource_type: 'tag', name });

describe('priorityOf', () => {
  it('reads Asana’s Priority field by default: High is urgent and important, Medium important, Low neither', () => {
    expect(priorityOf([select('Priority', 'High')], [], defaults)).toEqual({ urgent: true, important: true });
    expect(priorityOf([select('priority', 'medium')], [], defaults)).toEqual({
      urgent: false,
      important: true,
    });
    expect(priorityOf([select('Priority', 'Low')], [], defaults)).toEqual(NO_PRIORITY);
    expect(priorityOf([select('Priority', null)], [], defaults)).toEqual(NO_PRIORITY);
    expect(priorityOf([select('Priority', 'Someday')], [], defaults)).toEqual(NO_PRIORITY);
    expect(priorityOf([], [], defaults)).toEqual(NO_PRIORITY);
  });

  it('adds the tags to the field, case ignored', () => {
    expect(priorityOf([], [tag('Urgent')], defaults)).toEqual({ urgent: true, important: false });
    expect(priorityOf([select('Priority', 'Medium')], [tag('URGENT')], defaults)).toEqual({
      urgent: true,
      important: true,
    });
    expect(priorityOf([], [tag('later')], defaults)).toEqual(NO_PRIORITY);
  });

  it('reads a configured field (by gid or name), option map and tags instead', () => {
    const section = asanaClientSchema.parse({
      projects: ['1'],
      priority: {
        field: 'Impact',
        options: { 'Fire!': 'urgent', Strategic: 'important' },
        urgentTags: ['asap'],
        importantTags: ['key-account'],
      },
    }).priority;
    expect(priorityOf([select('Impact', 'Fire!')], [], section)).toEqual({ urgent: true, important: false });
    expect(priorityOf([select('Priority', 'High')], [], section)).toEqual(NO_PRIORITY);
    expect(priorityOf([select('Other', 'Strategic', '42')], [], { ...section, field: '42' })).toEqual({
      urgent: false,
      important: true,
    });
    expect(priorityOf([], [tag('urgent'), tag('key-account')], section)).toEqual({
      urgent: false,
      important: true,
    });
    expect(priorityOf([{ ...select('Impact', 'Fire!'), enabled: false }], [], section)).toEqual(NO_PRIORITY);
  });

  it('a bad priority config names the path and the fix', () => {
    const bad = asanaClientSchema.safeParse({
      projects: ['1'],
      priority: { options: { High: 'critical' }, urgentTags: [''], colour: 'red' },
    });
    expect(bad.success).toBe(false);
    const issues = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^priority\.options\.High: /),
        expect.stringMatching(/^priority\.urgentTags\.0: a tag name cannot be empty/),
        expect.stringMatching(/^priority: .*colour/),
      ]),
    );
  });
});

describe('priority through the connector and the fake', () => {
  let world: World;
  afterEach(async () => {
    await world.fake.stop();
  });

  it('a task’s priority field and tags reach core’s Task', async () => {
    world = await startWorld();
    const field = world.fake.addCustomField({ name: 'Priority', options: ['High', 'Medium', 'Low'] });
    const source = new AsanaTaskSource({
      client: new AsanaClient({
        token: world.vaToken,
        baseUrl: world.apiUrl,
        retry: { sleep: async () => {} },
      }),
      clients: [
        clientConfig({ id: 'koala-co', projects: [world.koala.gid] }),
        clientConfig({
          id: 'thames-studio',
          projects: [world.thames.gid],
          priority: { urgentTags: ['rush'] },
        }),
      ],
    });
    const base = { assignee: world.va.gid };
    const high = world.fake.createTask({
      ...base,
      name: 'High',
      projects: [world.koala.gid],
      customFields: { [field.gid]: 'High' },
    });
    const medium = world.fake.createTask({
      ...base,
      name: 'Medium',
      projects: [world.koala.gid],
      customFields: { [field.gid]: 'Medium' },
    });
    const plain = world.fake.createTask({ ...base, name: 'Plain', projects: [world.koala.gid] });
    const rush = world.fake.createTask({
      ...base,
      name: 'Rush',
      projects: [world.thames.gid],
      tags: ['Rush'],
    });
    const notUrgentHere = world.fake.createTask({
      ...base,
      name: 'Tagged urgent',
      projects: [world.thames.gid],
      tags: ['urgent'],
    });

    const koala = new Map((await source.listOpenTasks('koala-co')).map((t) => [t.id, t.priority]));
    expect(koala.get(high.gid)).toEqual({ urgent: true, important: true });
    expect(koala.get(medium.gid)).toEqual({ urgent: false, important: true });
    expect(koala.get(plain.gid)).toEqual(NO_PRIORITY);
    expect((await source.getTask(rush.gid))?.priority).toEqual({ urgent: true, important: false });
    expect((await source.getTask(notUrgentHere.gid))?.priority).toEqual(NO_PRIORITY);

    world.fake.updateTask(plain.gid, { tags: ['important'] });
    expect((await source.getTask(plain.gid))?.priority).toEqual({ urgent: false, important: true });
  });
});

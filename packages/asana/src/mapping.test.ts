import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dueOf, estimateMinutes, resolveClient, toTaskChange } from './mapping.js';
import type { AsanaEvent, CustomFieldValue } from './schemas.js';
import { clientConfig } from './testing/scenario.js';

const koala = clientConfig({ id: 'koala-co', projects: ['11', '12'], defaultEstimateMinutes: 60 });

function field(over: Partial<CustomFieldValue>): CustomFieldValue {
  return {
    gid: '500',
    name: 'Estimated time',
    type: 'number',
    resource_subtype: 'number',
    format: 'duration',
    number_value: 30,
    enabled: true,
    ...over,
  };
}

describe('resolveClient', () => {
  it('never guesses: one owner, none, or every owner named', () => {
    const ids = ['a', 'b', 'c', 'd'];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 8, maxLength: 8 }),
        fc.subarray(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6', 'p7', 'p9']),
        (ownerOf, memberships) => {
          // Projects p0..p7 are each owned by one client; p9 by nobody.
          const clients = ids.map((id, i) =>
            clientConfig({
              id,
              projects: ownerOf.flatMap((o, p) => (o === i ? [`${p + 100}`] : [])).concat(`${900 + i}`),
            }),
          );
          const gids = memberships.map((m) => (m === 'p9' ? '999' : `${Number(m.slice(1)) + 100}`));
          const owners = [
            ...new Set(gids.filter((g) => g !== '999').map((g) => ids[ownerOf[Number(g) - 100] ?? 0])),
          ];
          const result = resolveClient(gids, clients);
          if (owners.length === 0) expect(result).toEqual({ kind: 'none' });
          else if (owners.length === 1)
            expect(result).toMatchObject({ kind: 'one', client: { id: owners[0] } });
          else
            expect(result).toEqual({ kind: 'ambiguous', clientIds: ids.filter((id) => owners.includes(id)) });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('estimateMinutes', () => {
  it('reads the duration field by name (any case) or by gid', () => {
    expect(estimateMinutes([field({ name: 'estimated TIME ', number_value: 95 })], koala.section)).toBe(95);
    const byGid = clientConfig({ id: 'x', projects: ['1'], estimateField: '777' });
    expect(
      estimateMinutes(
        [field({ gid: '500', number_value: 5 }), field({ gid: '777', name: 'Other', number_value: 40 })],
        byGid.section,
      ),
    ).toBe(40);
  });

  it('falls back to the default for an empty, negative, disabled, non-duration or missing field', () => {
    expect(estimateMinutes([], koala.section)).toBe(60);
    expect(estimateMinutes([field({ number_value: null })], koala.section)).toBe(60);
    expect(estimateMinutes([field({ number_value: -5 })], koala.section)).toBe(60);
    expect(estimateMinutes([field({ enabled: false })], koala.section)).toBe(60);
    expect(estimateMinutes([field({ format: 'currency' })], koala.section)).toBe(60);
    expect(estimateMinutes([field({ type: 'text', resource_subtype: 'text' })], koala.section)).toBe(60);
    expect(estimateMinutes([field({ name: 'Budget' })], koala.section)).toBe(60);
  });

  it('rounds to whole minutes', () => {
    expect(estimateMinutes([field({ number_value: 44.6 })], koala.section)).toBe(45);
  });
});

describe('dueOf', () => {
  it('an instant wins over a date; instants are normalised to UTC', () => {
    expect(dueOf('2026-03-29T01:30:00+01:00', '2026-03-29')).toEqual({
      kind: 'instant',
      at: '2026-03-29T00:30:00.000Z',
    });
    expect(dueOf(null, '2026-03-29')).toEqual({ kind: 'date', date: '2026-03-29' });
    expect(dueOf(undefined, null)).toBeNull();
  });
});

describe('toTaskChange', () => {
  const base: AsanaEvent = {
    resource: { gid: '7', resource_type: 'task' },
    action: 'changed',
    created_at: '2026-11-28T10:00:00.000Z',
  };

  it('task events become changes; added/removed name the project they concern', () => {
    expect(toTaskChange(base, '11')).toEqual({
      taskId: '7',
      projectId: '11',
      action: 'changed',
      at: '2026-11-28T10:00:00.000Z',
    });
    expect(
      toTaskChange({ ...base, action: 'removed', parent: { gid: '12', resource_type: 'project' } }, '11'),
    ).toMatchObject({
      projectId: '12',
      action: 'removed',
    });
    expect(toTaskChange({ ...base, action: 'deleted' }, '11')?.action).toBe('deleted');
    expect(toTaskChange({ ...base, action: 'undeleted' }, '11')?.action).toBe('undeleted');
  });

  it('moving between sections (added to a section) is a change, not a new task of the project', () => {
    expect(
      toTaskChange({ ...base, action: 'added', parent: { gid: '3', resource_type: 'section' } }, '11'),
    ).toMatchObject({
      projectId: '11',
      action: 'changed',
    });
  });

  it('stories, sections, the project itself and unknown actions are not task changes', () => {
    expect(toTaskChange({ ...base, resource: { gid: '8', resource_type: 'story' } }, '11')).toBeNull();
    expect(toTaskChange({ ...base, resource: { gid: '11', resource_type: 'project' } }, '11')).toBeNull();
    expect(toTaskChange({ ...base, action: 'exploded' }, '11')).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import type { TimeEntry } from '../domain/types.js';
import { periodContaining } from '../time/zoned.js';
import {
  type DraftManifest,
  decodeManifest,
  draftReference,
  encodeManifest,
  entryFingerprint,
  periodKey,
  seqOfReference,
} from './ledger.js';

const manifest: DraftManifest = {
  v: 1,
  clientId: 'koala-co',
  periodKey: 'vahub koala-co 2026-11',
  seq: 2,
  entries: [{ id: '41', fp: 'a1b2c3d4e5' }],
  fee: false,
  carriedInHours: '1.25',
  carryOverHours: null,
};

describe('the billing ledger’s vocabulary', () => {
  it('names a period by its draft’s Reference, and its supplementary drafts with "supN"', () => {
    const key = periodKey(
      'koala-co',
      periodContaining('month', Date.parse('2026-11-15T00:00:00Z'), 'Australia/Sydney'),
    );
    expect(key).toBe('vahub koala-co 2026-11');
    expect([draftReference(key, 0), draftReference(key, 3)]).toEqual([key, `${key} sup3`]);
    expect([seqOfReference(key, key), seqOfReference(key, `${key} sup3`)]).toEqual([0, 3]);
    expect([
      seqOfReference(key, `${key} supx`),
      seqOfReference(key, 'vahub koala-co 2026-1'),
      seqOfReference(key, `${key}1`),
    ]).toEqual([null, null, null]);
  });

  it('encodes a manifest compactly and reads it back; anything else reads as none', () => {
    const text = encodeManifest(manifest);
    expect(text).toBe(
      '{"v":1,"c":"koala-co","p":"vahub koala-co 2026-11","s":2,"e":[["41","a1b2c3d4e5"]],"f":0,"ci":"1.25","co":null}',
    );
    expect(decodeManifest(text)).toEqual(manifest);
    for (const bad of [
      '',
      'Approved',
      '{"v":2}',
      text.replace('"1.25"', '"-1"'),
      text.replace('[["41"', '[[41'),
      text.replace('"f":0', '"f":2'),
    ]) {
      expect(decodeManifest(bad)).toBeNull();
    }
  });

  it('fingerprints what was billed of an entry: a change of duration, start, project, task or billability shows', () => {
    const e: TimeEntry = {
      id: '41',
      workspaceId: 'w',
      projectId: 'p',
      taskId: null,
      description: 'work',
      start: '2026-11-02T09:00:00Z',
      stop: '2026-11-02T10:00:00Z',
      durationSeconds: 3600,
      billable: true,
      tags: [],
    };
    const fp = entryFingerprint(e);
    expect(entryFingerprint({ ...e, description: 'renamed', tags: ['invoiced'] })).toBe(fp);
    for (const edit of [
      { durationSeconds: 3601 },
      { start: '2026-11-02T09:01:00Z' },
      { projectId: 'q' },
      { taskId: 't' },
      { billable: false },
    ]) {
      expect(entryFingerprint({ ...e, ...edit })).not.toBe(fp);
    }
  });
});

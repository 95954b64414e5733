// Names from the sources are text, never markup: every page escapes them, and a missing part reads
// as "Unavailable" with its reason.
import { describe, expect, it } from 'vitest';
import { colourOf } from '../snapshot/colours.js';
import type { StatusSnapshot } from '../snapshot/types.js';
import { clientPage, healthPage, weekPage } from './pages.js';

const EVIL = `<img src=x onerror="alert(1)">&'`;
const at = (text: string) => ({ zone: 'Europe/Budapest', date: '2026-12-01', text });

const snapshot: StatusSnapshot = {
  version: 1,
  generatedAt: '2026-11-30T07:00:00Z',
  va: { name: null, zone: 'Europe/Budapest' },
  week: {
    status: 'ok',
    data: {
      id: '2026-W49',
      label: 'Mon 30 Nov – Sun 6 Dec',
      zone: 'Europe/Budapest',
      start: '2026-11-29T23:00:00Z',
      end: '2026-12-06T23:00:00Z',
      days: [{ date: '2026-11-30', label: 'Mon 30 Nov' }],
      blocks: [
        {
          id: 'b1',
          clientId: 'c',
          clientName: EVIL,
          taskId: 't',
          title: EVIL,
          start: '2026-11-30T08:00:00Z',
          end: '2026-11-30T09:00:00Z',
          vaLocal: at('Mon 30 Nov, 09:00–10:00'),
          minutes: 60,
          colour: colourOf('3'),
          movedByVa: false,
        },
      ],
      meetings: [],
      deadlines: [
        {
          taskId: 't',
          taskName: EVIL,
          clientId: 'c',
          clientName: EVIL,
          url: `javascript:alert(1)" x="`,
          dueBy: '2026-12-01T13:00:00Z',
          kind: 'date',
          clientLocal: at('Tue 1 Dec, end of day'),
          vaLocal: at('Tue 1 Dec, 14:00'),
          overdue: false,
        },
      ],
    },
  },
  attention: { status: 'unavailable', reason: `late and at-risk tasks: ${EVIL}` },
  clients: [],
  health: {
    queues: {
      status: 'ok',
      data: {
        queues: [],
        failed: [{ queue: 'sweep', jobId: '1', kind: 'parked', reason: EVIL, failedAt: null }],
      },
    },
    webhooks: { status: 'ok', data: [] },
    rateLimits: { status: 'unavailable', reason: 'rate limits: not configured' },
    connections: {
      status: 'ok',
      data: [{ connector: 'xero', state: 'needs-redo', action: 'vahub connect xero' }],
    },
  },
};

describe('pages', () => {
  it('escape every name from the sources, in HTML and in the SVG', () => {
    const week = weekPage(snapshot).body;
    const health = healthPage(snapshot).body;
    for (const html of [week, health]) {
      expect(html).not.toContain('<img');
      expect(html).not.toContain('onerror="');
    }
    expect(week).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
    expect(week).toMatch(/<svg[^>]*role="img"/);
    expect(week).not.toContain('href="javascript');
  });

  it('say what is unavailable and why, and what to do about a connection', () => {
    expect(weekPage(snapshot).body).toMatch(/Unavailable<\/span> late and at-risk tasks: &lt;img/);
    const health = healthPage(snapshot).body;
    expect(health).toContain('rate limits: not configured');
    expect(health).toContain('Needs redoing');
    expect(health).toContain('vahub connect xero');
  });

  it('a client panel without a weekly report says so', () => {
    const body = clientPage(
      {
        id: 'koala-co',
        name: 'Koala',
        zone: 'Australia/Sydney',
        colour: colourOf('7'),
        billing: { status: 'unavailable', reason: 'no time tracker is connected' },
        weeklyHours: { status: 'unavailable', reason: 'no time tracker is connected' },
        drafts: { status: 'ok', data: [] },
      },
      null,
    ).body;
    expect(body).toContain('No weekly report prepared yet.');
    expect(body).toContain('no time tracker is connected');
    expect(body).toContain('Last drafts: no drafts yet.');
  });
});

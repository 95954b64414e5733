// The dashboard in headless Chromium (Debian's `chromium`, driven by playwright-core), against the
// demo's world, with JavaScript off: the login, the week's blocks and deadlines in both zones, the
// retainer figures the engine computes, the queue figures, screenshots, and no secret anywhere.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IsoWeek, StoredWeeklyReport } from '@vahub/core';
import { weeklyReport } from '@vahub/worker';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherSnapshot } from '../snapshot/gather.js';
import type { StatusSnapshot } from '../snapshot/types.js';
import { type DashboardWorld, startDashboardWorld, worldSecrets } from '../test-support/world.js';
import { type RunningDashboard, startDashboard } from './start.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? process.env.VAHUB_CHROMIUM ?? '/usr/bin/chromium';
const OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '../../test-output');
const TOKEN = randomBytes(24).toString('hex');
const VA_ZONE = 'Europe/Budapest';

let world: DashboardWorld;
let dash: RunningDashboard;
let browser: Browser;
let context: BrowserContext;
const reports = new Map<string, StoredWeeklyReport>();
/** Every body and header the browser received. */
const seen: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the browser tests need it and do not skip. Install it with \`apt-get install -y chromium\` (or set CHROMIUM_PATH or VAHUB_CHROMIUM).`,
    );
  world = await startDashboardWorld();
  const archive = {
    get: async (clientId: string, week: IsoWeek) => reports.get(`${clientId}/${week}`) ?? null,
    save: async (r: StoredWeeklyReport) => {
      reports.set(`${r.clientId}/${r.week}`, r);
    },
  };
  for (const client of world.config.clients) {
    await weeklyReport({ client, now: world.now, ...world.ports, archive, publish: false });
  }
  // Work in the queues: a sweep and an invoice run wait.
  await world.queues.add('sweep', { provider: 'asana', subject: 'task', clientId: null });
  await world.queues.add('invoice.run', { clientId: 'koala-co', period: 'just-ended', trigger: 'schedule' });
  dash = await startDashboard({
    snapshot: () => gatherSnapshot(world.deps),
    auth: { mode: 'token', token: TOKEN },
    reports: archive,
  });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  context.on('response', async (res) => {
    seen.push(JSON.stringify(await res.allHeaders()));
    seen.push(await res.text().catch(() => ''));
  });
  await mkdir(OUTPUT, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dash?.close();
  await world?.close();
});

const url = (path: string) => new URL(path, dash.url).toString();

async function signIn(page: Page): Promise<void> {
  await page.goto(url('/'));
  await page.fill('#token', TOKEN);
  await Promise.all([page.waitForURL(url('/')), page.click('button[type=submit]')]);
}

/** A PNG is not blank: many distinct colours, and pixel values that vary (decoded in Chromium). */
async function pixelStats(png: Buffer): Promise<{ colours: number; stddev: number }> {
  const page = await browser.newPage();
  try {
    await page.setContent('<canvas id="c"></canvas>');
    // A string, so this file needs no DOM types: it runs in the page.
    return (await page.evaluate(`(async (b64) => {
      const img = new Image();
      img.src = 'data:image/png;base64,' + b64;
      await img.decode();
      const canvas = document.getElementById('c');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      const colours = new Set();
      let sum = 0, sq = 0, n = 0;
      for (let i = 0; i < data.length; i += 16) {
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        const l = (data[i] + data[i + 1] + data[i + 2]) / 3;
        sum += l; sq += l * l; n += 1;
      }
      const mean = sum / n;
      return { colours: colours.size, stddev: Math.sqrt(sq / n - mean * mean) };
    })(${JSON.stringify(png.toString('base64'))})`)) as { colours: number; stddev: number };
  } finally {
    await page.close();
  }
}

describe('the dashboard in Chromium', () => {
  it('refuses a wrong token and a missing one, and signs in with the right one', async () => {
    const page = await context.newPage();
    await page.goto(url('/'));
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#token', `${TOKEN}0`);
    const [wrong] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/login')),
      page.click('button[type=submit]'),
    ]);
    expect(wrong.status()).toBe(401);
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('that token is not right');
    const missing = await context.request.post(url('/login'), { form: { token: '' }, maxRedirects: 0 });
    expect(missing.status()).toBe(401);
    const none = await context.request.post(url('/login'), { form: {}, maxRedirects: 0 });
    expect(none.status()).toBe(401);
    expect((await context.request.get(url('/api/snapshot'))).status()).toBe(401);
    await signIn(page);
    await expect(page.locator('h1').first().textContent()).resolves.toContain('Week 2026-W49');
    await page.close();
  });

  it("shows the week's blocks as the fake calendar has them, and deadlines in both zones", async () => {
    const page = await context.newPage();
    await page.goto(url('/'));
    const calendar = world.fakes.google.store.calendars.get('reka@example.com');
    const weekStart = Date.parse('2026-11-29T23:00:00Z');
    const weekEnd = Date.parse('2026-12-06T23:00:00Z');
    const expected = [...(calendar?.events.values() ?? [])]
      .filter((e) => {
        const props = (e.json.extendedProperties as { private?: Record<string, string> } | undefined)
          ?.private;
        return props?.vahubBlock !== undefined && e.json.status !== 'cancelled';
      })
      .filter((e) => e.startMs < weekEnd && e.endMs > weekStart)
      .sort((a, b) => a.startMs - b.startMs)
      .map((e) => {
        const fmt = (ms: number) =>
          new Intl.DateTimeFormat('en-GB', {
            timeZone: VA_ZONE,
            hour: '2-digit',
            minute: '2-digit',
            hourCycle: 'h23',
          }).format(ms);
        return { title: String(e.json.summary), span: `${fmt(e.startMs)}–${fmt(e.endMs)}` };
      });
    expect(expected.length).toBeGreaterThan(3);
    const blockTable = page.getByRole('table', { name: /focus blocks/ });
    const rows = await blockTable.locator('tbody tr').all();
    expect(rows).toHaveLength(expected.length);
    for (const [i, row] of rows.entries()) {
      const cells = await row.locator('td').allTextContents();
      expect(cells[0]).toContain(expected[i]?.span);
      expect(cells[2]).toContain(expected[i]?.title);
    }
    // The calendar chart draws one coloured rectangle per block, each with its title.
    await expect(page.locator('svg[role=img] rect[fill]').count()).resolves.toBe(expected.length);
    const deadline = page
      .getByRole('table', { name: /Deadlines/ })
      .locator('tr', { hasText: 'Schedule December social posts' });
    await expect(deadline.locator('.client-time').textContent()).resolves.toBe('Tue 1 Dec, end of day');
    await expect(deadline.textContent()).resolves.toContain('Australia/Sydney');
    await expect(deadline.locator('.va-time').textContent()).resolves.toBe('Tue 1 Dec, 14:00');
    await expect(deadline.textContent()).resolves.toContain(VA_ZONE);
    const late = page
      .getByRole('table', { name: /Late and at-risk/ })
      .locator('tr', { hasText: 'Year-end compliance checklist' });
    await expect(late.textContent()).resolves.toMatch(/Late.*already passed/);
    const shot = await page.screenshot({ fullPage: true, path: join(OUTPUT, 'week.png') });
    expect(shot.length).toBeGreaterThan(20_000);
    const stats = await pixelStats(shot);
    expect(stats.colours).toBeGreaterThan(20);
    expect(stats.stddev).toBeGreaterThan(10);
    await page.close();
  });

  it("shows Koala's retainer as the engine computes it, on a phone's width, with its weekly report", async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(url('/clients/koala-co'));
    const engine = reports.get('koala-co/2026-W48')?.report.billing;
    const retainer = engine?.retainer;
    if (!engine || !retainer) throw new Error('the weekly report has no retainer for Koala');
    const figure = (name: string) => page.locator(`[data-figure="${name}"]`).textContent();
    await expect(figure('used')).resolves.toBe(`${retainer.usedHours} h`);
    await expect(figure('included')).resolves.toBe(`${retainer.includedHours} h`);
    await expect(figure('carried')).resolves.toBe(`${retainer.carriedInHours} h`);
    await expect(figure('left')).resolves.toBe(`${retainer.leftHours} h`);
    await expect(figure('percent')).resolves.toContain(`${retainer.usedPercent}%`);
    await expect(figure('unbilled-amount')).resolves.toBe(`${engine.currency} ${engine.unbilled.amount}`);
    await expect(figure('unbilled-hours')).resolves.toBe(`${engine.unbilled.hours} h`);
    // The gauge names the 80% and 100% marks; the hours chart has eight bars.
    await expect(page.locator('svg text', { hasText: '80%' }).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('svg text', { hasText: '100%' }).count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('svg rect.bar').count()).resolves.toBe(8);
    await expect(page.locator('pre.report').textContent()).resolves.toBe(
      reports.get('koala-co/2026-W48')?.text,
    );
    // Nothing sticks out sideways on a phone: the page is as wide as the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const shot = await page.screenshot({ fullPage: true, path: join(OUTPUT, 'client-koala.png') });
    expect(shot.length).toBeGreaterThan(20_000);
    const stats = await pixelStats(shot);
    expect(stats.colours).toBeGreaterThan(20);
    expect(stats.stddev).toBeGreaterThan(10);
    await page.close();
  });

  it('shows the queue figures the queues have', async () => {
    const page = await context.newPage();
    await page.goto(url('/health'));
    const depths = await world.queues.depths();
    const table = page.getByRole('table', { name: 'Queues' });
    for (const d of depths) {
      const cells = await table
        .locator('tr', { has: page.locator(`td:text-is("${d.queue}")`) })
        .locator('td')
        .allTextContents();
      expect(cells).toEqual([
        d.queue,
        String(d.waiting + d.prioritized),
        String(d.active),
        String(d.delayed),
        String(d.failed),
      ]);
    }
    expect(depths.find((d) => d.queue === 'sweep')?.waiting).toBe(1);
    // The JSON `vahub status --json` prints is the same snapshot: the same figures.
    const api = (await (await context.request.get(url('/api/snapshot'))).json()) as StatusSnapshot;
    if (api.health.queues.status !== 'ok') throw new Error(api.health.queues.reason);
    expect(
      api.health.queues.data.queues.map((q) => [q.queue, q.waiting, q.active, q.delayed, q.failed]),
    ).toEqual(depths.map((d) => [d.queue, d.waiting + d.prioritized, d.active, d.delayed, d.failed]));
    await page.close();
  });

  it('shows no secret in any page, header or response', async () => {
    const api = await context.request.get(url('/api/snapshot'));
    expect(api.status()).toBe(200);
    seen.push(await api.text());
    const report = await context.request.get(url('/clients/koala-co/report'));
    expect(report.status()).toBe(200);
    seen.push(await report.text());
    const secrets = await worldSecrets(world, [TOKEN]);
    expect(secrets.length).toBeGreaterThan(4);
    expect(seen.length).toBeGreaterThan(10);
    for (const body of seen) for (const secret of secrets) expect(body).not.toContain(secret);
  });
});

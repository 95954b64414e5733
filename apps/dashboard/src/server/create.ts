import { type ReportArchive, redact, reportWeekAt } from '@vahub/core';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { paletteCss } from '../snapshot/colours.js';
import type { StatusSnapshot } from '../snapshot/types.js';
import { createGate, type DashboardAuth } from './auth.js';
import { page } from './html.js';
import { clientPage, clientsPage, healthPage, loginPage, weekPage } from './pages.js';
import { STYLE } from './style.js';

export interface DashboardOptions {
  /** Reads the snapshot afresh for each page (`() => gatherSnapshot(deps)`). */
  snapshot: () => Promise<StatusSnapshot>;
  auth: DashboardAuth;
  /** Where prepared weekly reports are kept: the client panel shows the latest. */
  reports?: Pick<ReportArchive, 'get'>;
  /**
   * A snapshot younger than this is reused, and concurrent requests share one read: a phone
   * refreshing, or several tabs, do not each cost the vendors a round of calls. @defaultValue 10_000
   */
  cacheMs?: number;
}

/** One read shared by concurrent callers, reused for `ms`. */
function cached<T>(read: () => Promise<T>, ms: number): () => Promise<T> {
  if (ms <= 0) return read;
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    const now = Date.now();
    if (last && now - last.at < ms) return last.value;
    const value = read();
    const entry = { at: now, value };
    last = entry;
    // A failed read is not kept.
    value.catch(() => {
      if (last === entry) last = null;
    });
    return value;
  };
}

const CSS = `${STYLE}\n${paletteCss()}\n`;

// No script at all, styles only from this server, no framing, no referrer, nothing cached.
function headers(_req: Request, res: Response, next: NextFunction) {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
  });
  next();
}

/**
 * The dashboard as an Express 5 app, read-only: the week, the clients, a client's panel, the
 * service's health, and `/api/snapshot` as JSON. Mount it or listen on it (`startDashboard`).
 */
export function createDashboard(options: DashboardOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  const snapshot = cached(options.snapshot, options.cacheMs ?? 10_000);
  app.use(headers);
  const refuse = (res: Response, status: number, why: string) => {
    if (res.req.path.startsWith('/api/')) {
      res.status(status).json({ error: why });
      return;
    }
    const p = loginPage(why);
    res
      .status(status)
      .type('html')
      .send(page({ ...p, current: '/login', signedIn: false }));
  };
  const gate = createGate(options.auth, refuse);
  const send = (res: Response, current: string, p: { title: string; body: string }, status = 200) =>
    res
      .status(status)
      .type('html')
      .send(page({ ...p, current, signedIn: !gate.open }));

  app.get('/style.css', (_req, res) => {
    res.type('css').send(CSS);
  });
  app.get('/login', (_req, res) => {
    if (gate.open) return res.redirect(303, '/');
    res.type('html').send(page({ ...loginPage(null), current: '/login', signedIn: false }));
  });
  app.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) =>
    gate.login(req, res),
  );
  app.post('/logout', (req, res) => gate.logout(req, res));

  app.use((req, res, next) => gate.require(req, res, next));

  app.get('/api/snapshot', async (_req, res) => {
    res.json(await snapshot());
  });
  app.get('/', async (_req, res) => {
    send(res, '/', weekPage(await snapshot()));
  });
  app.get('/clients', async (_req, res) => {
    send(res, '/clients', clientsPage(await snapshot()));
  });
  app.get('/clients/:id', async (req, res) => {
    const s = await snapshot();
    const client = s.clients.find((c) => c.id === req.params.id);
    if (!client)
      return send(
        res,
        '/clients',
        { title: 'Not found', body: '<h1>No such client</h1><p><a href="/clients">All clients</a></p>' },
        404,
      );
    const stored = await latestReport(options.reports, client.id, client.zone, Date.parse(s.generatedAt));
    send(res, '/clients', clientPage(client, stored ? { week: stored.week, text: stored.text } : null));
  });
  app.get('/clients/:id/report', async (req, res) => {
    const s = await snapshot();
    const client = s.clients.find((c) => c.id === req.params.id);
    const stored = client
      ? await latestReport(options.reports, client.id, client.zone, Date.parse(s.generatedAt))
      : null;
    if (!stored)
      return send(res, '/clients', { title: 'Not found', body: '<h1>No weekly report yet</h1>' }, 404);
    // The report is its own page: inline CSS, no script, every name escaped by its renderer.
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    res.type('html').send(stored.html);
  });
  app.get('/health', async (_req, res) => {
    send(res, '/health', healthPage(await snapshot()));
  });
  app.use((_req: Request, res: Response) => {
    send(
      res,
      '',
      { title: 'Not found', body: '<h1>Not found</h1><p><a href="/">Back to the week</a></p>' },
      404,
    );
  });
  // A failure says what failed, redacted, and never a stack.
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res
      .status(500)
      .type('text')
      .send(redact(`the dashboard could not read its data: ${err.message}`));
  });
  return app;
}

/** The report of the week the client's report is about now, else of the week before. */
async function latestReport(
  reports: DashboardOptions['reports'],
  clientId: string,
  zone: string,
  now: number,
) {
  if (!reports) return null;
  const week = reportWeekAt(now, zone);
  return (
    (await reports.get(clientId, week)) ??
    (await reports.get(clientId, reportWeekAt(now - 7 * 86_400_000, zone)))
  );
}

// The login over real HTTP on 127.0.0.1: wrong and missing tokens refused, the session cookie's
// flags, signature and expiry, the rate limit on failed sign-ins, and the bind rules.
import { afterEach, describe, expect, it } from 'vitest';
import { gatherSnapshot } from '../snapshot/gather.js';
import { authFromEnv, type DashboardAuth, SESSION_COOKIE, TOKEN_ENV } from './auth.js';
import { type RunningDashboard, startDashboard } from './start.js';

const TOKEN = 'correct-horse-battery-staple-42';
const config = { va: { timezone: 'Europe/Budapest', workingHours: {} as never }, clients: [] };
const snapshot = () => gatherSnapshot({ config, now: () => Date.parse('2026-11-30T07:00:00Z') });
let running: RunningDashboard | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(auth: DashboardAuth) {
  running = await startDashboard({ snapshot, auth });
  return running.url.replace(/\/$/, '');
}
const login = (base: string, body: string) =>
  fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });

describe('token login', () => {
  it('refuses pages and the API before signing in, and wrong or missing tokens', async () => {
    const base = await start({ mode: 'token', token: TOKEN });
    const page = await fetch(`${base}/`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');
    expect((await fetch(`${base}/api/snapshot`)).status).toBe(401);
    expect((await fetch(`${base}/health`, { redirect: 'manual' })).status).toBe(303);
    const missing = await login(base, '');
    expect(missing.status).toBe(401);
    expect(await missing.text()).toContain('enter the dashboard token');
    const wrong = await login(base, `token=${encodeURIComponent(`${TOKEN}x`)}`);
    expect(wrong.status).toBe(401);
    const text = await wrong.text();
    expect(text).toContain('that token is not right');
    expect(text).not.toContain(TOKEN);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await fetch(`${base}/api/snapshot`, { headers: { authorization: 'Bearer nope' } })).status).toBe(
      401,
    );
  });

  it('gives a signed, expiring session cookie: HttpOnly, Secure, SameSite=Strict', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const base = await start({ mode: 'token', token: TOKEN, sessionTtlMs: 60_000, now: () => now });
    const ok = await login(base, `token=${encodeURIComponent(TOKEN)}`);
    expect(ok.status).toBe(303);
    const setCookie = ok.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Strict/);
    expect(setCookie).toMatch(/Max-Age=60/);
    expect(setCookie).not.toContain(TOKEN);
    const cookie = setCookie.split(';')[0] ?? '';
    const api = await fetch(`${base}/api/snapshot`, { headers: { cookie } });
    expect(api.status).toBe(200);
    expect(((await api.json()) as { version: number }).version).toBe(1);
    // A cookie changed by one character is refused, and so is the right one once it expired.
    const tampered = cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`${base}/api/snapshot`, { headers: { cookie: tampered } })).status).toBe(401);
    const forged = cookie.replace(/=(\d+)\./, (_, t) => `=${Number(t) + 3_600_000}.`);
    expect((await fetch(`${base}/api/snapshot`, { headers: { cookie: forged } })).status).toBe(401);
    now += 61_000;
    expect((await fetch(`${base}/api/snapshot`, { headers: { cookie } })).status).toBe(401);
    // Scripts may send the token itself.
    const bearer = await fetch(`${base}/api/snapshot`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(bearer.status).toBe(200);
  });

  it('makes an address wait after five failed sign-ins, even with the right token', async () => {
    let now = Date.parse('2026-12-01T10:00:00Z');
    const base = await start({ mode: 'token', token: TOKEN, now: () => now });
    for (let i = 0; i < 5; i++) expect((await login(base, 'token=guess')).status).toBe(401);
    const limited = await login(base, `token=${encodeURIComponent(TOKEN)}`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('set-cookie')).toBeNull();
    now += 15 * 60_000 + 1;
    expect((await login(base, `token=${encodeURIComponent(TOKEN)}`)).status).toBe(303);
  });

  it('sends no script and no framing: a strict content security policy', async () => {
    const base = await start({ mode: 'open' });
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await res.text()).not.toContain('<script');
  });
});

describe('binding', () => {
  it('is open on loopback without a token, and refuses any other address without one', async () => {
    expect(authFromEnv({}, '127.0.0.1')).toEqual({ mode: 'open' });
    expect(() => authFromEnv({}, '0.0.0.0')).toThrow(new RegExp(`set ${TOKEN_ENV}`));
    expect(() => authFromEnv({ [TOKEN_ENV]: 'short' }, '0.0.0.0')).toThrow(/at least 16 characters/);
    expect(authFromEnv({ [TOKEN_ENV]: TOKEN }, '0.0.0.0')).toEqual({ mode: 'token', token: TOKEN });
    await expect(startDashboard({ snapshot, host: '0.0.0.0' })).rejects.toThrow(/without a login/);
    running = await startDashboard({ snapshot });
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });
});

describe('reading', () => {
  it('shares one snapshot read between concurrent requests and reuses it briefly', async () => {
    let reads = 0;
    running = await startDashboard({
      snapshot: async () => {
        reads += 1;
        return snapshot();
      },
      cacheMs: 60_000,
    });
    const base = running.url.replace(/\/$/, '');
    const answers = await Promise.all(
      ['/', '/health', '/api/snapshot', '/clients'].map((p) => fetch(`${base}${p}`)),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(reads).toBe(1);
  });
});

// What the browser tests share: the real app started in-process on a free port (with a mail catcher), Debian's
// Chromium, pages that record console errors and CSP violations, screenshots, axe-core, and staff sign-in.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp, WEB_DIST } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createContext, type AppContext } from '../../src/context.js';
import type { Database } from '../../src/db/client.js';
import type { Role } from '../../src/db/schema.js';
import type { MailMessage } from '../../src/platform/mailer.js';
import { CLI_ACTOR } from '../../src/staff/staff.service.js';
import { totpCode } from '../../src/auth/totp.js';
import { sql } from 'drizzle-orm';
import { testDatabases } from '../support/databases.js';
import { TEST_SECRET_KEY } from '../support/app.js';

export const PASSWORD = 'a long test password 123';
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../.tmp/screenshots');
export const WIDE = { width: 1920, height: 1080 };
export const LAPTOP = { width: 1366, height: 768 };
export const PHONE = { width: 390, height: 844 };
export const DESKTOP_VIEWPORTS = [WIDE, LAPTOP];
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface BrowserEnv {
  ctx: AppContext;
  app: FastifyInstance;
  baseUrl: string;
  browser: Browser;
  /** Every mail the server sent (call ctx.outbox.runOnce() to deliver what is queued); empty when mail goes over SMTP. */
  mails: MailMessage[];
  close(): Promise<void>;
}

/** A TCP port nobody is listening on right now (the public URL that mailed links carry must be known up front). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The app on PGlite in memory, listening on 127.0.0.1 with WATCHFLOOR_PUBLIC_URL pointing at itself, and Chromium. */
export async function startBrowserEnv(env: Record<string, string> = {}): Promise<BrowserEnv> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html is missing: run npm run build:web first`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-browser-'));
  const database: Database = await testDatabases[0]!.open();
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const mails: MailMessage[] = [];
  const mailer = {
    async send(message: MailMessage) {
      mails.push(message);
      return { providerMessageId: message.messageId };
    },
    close() {},
  };
  const config = loadConfig({ WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', WATCHFLOOR_DATA_DIR: dataDir, WATCHFLOOR_PUBLIC_URL: baseUrl, ...env });
  // With WATCHFLOOR_SMTP_URL (an in-process SMTP server, test/support/mail.ts) mail goes out over SMTP; else it is caught here.
  const ctx = await createContext(config, env.WATCHFLOOR_SMTP_URL ? { database } : { database, mailer });
  const app = await buildApp(ctx, { logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    ctx,
    app,
    baseUrl,
    browser,
    mails,
    async close() {
      await browser.close();
      await app.close();
      await ctx.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createStaff(ctx: AppContext, username: string, displayName: string, opts: { agency?: string; roles?: Role[] } = {}) {
  return ctx.staff.createUser({ agencyName: opts.agency ?? 'Test PD', username, displayName, password: PASSWORD, roles: opts.roles ?? ['operator'] }, CLI_ACTOR);
}

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught errors and CSP violations seen so far. */
  problems: string[];
}

/**
 * A fresh browser context whose page records console errors, uncaught errors and CSP violations. The browser
 * logs every 4xx response as a console error; `expected` names the API paths whose 4xx answers are how the
 * page learns something (not signed in, a used link), not faults.
 */
export async function openPage(env: BrowserEnv, opts: { viewport?: { width: number; height: number }; expected?: RegExp } = {}): Promise<OpenedPage> {
  // Reduced motion: the map jumps instead of flying, so a test waits for no animation (the pages honour it).
  const context = await env.browser.newContext({ viewport: opts.viewport ?? WIDE, baseURL: env.baseUrl, reducedMotion: 'reduce' });
  const page = await context.newPage();
  // Well inside the test's own timeout, so that a step that never happens fails with its locator named.
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const expected = opts.expected ?? /^\/api\/v1\/auth\//;
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && !/Content[ -]Security[ -]Policy/i.test(msg.text())) return;
    if (/status of 4\d\d/.test(msg.text()) && expected.test(new URL(msg.location().url, env.baseUrl).pathname)) return;
    problems.push(`console.${msg.type()}: ${msg.text()} (${msg.location().url})`);
  });
  // Chromium reports violations as console errors too; the event catches any it would not.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
  });
  return { context, page, problems };
}

/** Screenshots of the page at each viewport, as .tmp/screenshots/<name>-<w>x<h>.png; the viewport is restored. */
export async function screenshots(page: Page, name: string, viewports = DESKTOP_VIEWPORTS, opts: { fullPage?: boolean; settle?: () => Promise<void> } = {}): Promise<void> {
  const before = page.viewportSize();
  for (const viewport of viewports) {
    await page.setViewportSize(viewport);
    await opts.settle?.();
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${viewport.width}x${viewport.height}.png`), fullPage: opts.fullPage ?? false });
  }
  if (before) await page.setViewportSize(before);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core is evaluated through the DevTools protocol, which the page's CSP does not govern. */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

/** Signs a new account in through the page: password, then setting up the authenticator with its first code. */
export async function signInFirstTime(page: Page, username: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  const loginResponse = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
  await page.getByRole('button', { name: 'Continue' }).click();
  const { enrollment } = (await (await loginResponse).json()) as { enrollment: { secret: string } };
  await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
  await page.getByLabel('Code from the app').fill(totpCode(enrollment.secret, new Date()));
  await page.getByRole('button', { name: 'Finish setup' }).click();
  await page.getByRole('banner').getByRole('heading', { name: 'Watchfloor' }).waitFor();
}

/**
 * Verified city cameras straight into the database (and the index), spread over the service area with the density
 * of a city: most in a dozen dense neighbourhoods. Deterministic for a given count. One INSERT … SELECT FROM
 * unnest(arrays): row-by-row inserts of 30,000 cameras take PGlite ten seconds, this well under one.
 */
export async function seedVerifiedCameras(ctx: AppContext, agencyId: string, count: number): Promise<void> {
  // mulberry32: small, and exact in 32-bit integer arithmetic (a float LCG falls into a short cycle).
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const [w, s, e, n] = ctx.serviceArea.bbox;
  const centres = Array.from({ length: 12 }, () => [w + (e - w) * (0.15 + 0.7 * random()), s + (n - s) * (0.15 + 0.7 * random())] as const);
  const tiers = ['registered', 'registered', 'registered', 'integrated', 'city'] as const;
  const kinds = ['doorbell', 'fixed', 'dome', 'ptz'] as const;
  const col = { lat: [] as number[], lng: [] as number[], kind: [] as string[], bearing: [] as number[], fov: [] as number[], range: [] as number[], retention: [] as number[], tier: [] as string[] };
  for (let i = 0; i < count; i++) {
    const [cx, cy] = random() < 0.8 ? centres[i % centres.length]! : [w + (e - w) * random(), s + (n - s) * random()];
    const spread = random() < 0.8 ? 0.012 : 0.002;
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    col.lat.push(Math.min(n - 1e-4, Math.max(s + 1e-4, cy + (random() - 0.5) * spread * 2)));
    col.lng.push(Math.min(e - 1e-4, Math.max(w + 1e-4, cx + (random() - 0.5) * spread * 2.6)));
    col.kind.push(kind);
    col.bearing.push(Math.floor(random() * 360));
    col.fov.push(kind === 'ptz' ? 360 : 60 + Math.floor(random() * 90));
    col.range.push(15 + Math.floor(random() * 60));
    col.retention.push(7 + Math.floor(random() * 60));
    col.tier.push(tiers[Math.floor(random() * tiers.length)]!);
  }
  const array = (values: readonly (number | string)[]) => `{${values.join(',')}}`;
  await ctx.database.db.execute(sql`
    insert into cameras (agency_id, lat, lng, kind, bearing_deg, fov_deg, range_m, retention_days, tier, status, source, verified_at)
    select ${agencyId}::uuid, lat, lng, kind, bearing, fov, range, retention, tier, 'verified', 'import', now()
    from unnest(${array(col.lat)}::float8[], ${array(col.lng)}::float8[], ${array(col.kind)}::text[], ${array(col.bearing)}::float8[],
                ${array(col.fov)}::float8[], ${array(col.range)}::float8[], ${array(col.retention)}::int[], ${array(col.tier)}::text[])
      as t(lat, lng, kind, bearing, fov, range, retention, tier)`);
  await ctx.cameras.load(ctx.database.db);
}

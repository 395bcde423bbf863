// The web app in a real browser against the real server: sign-in with TOTP enrolment, the floor frame,
// sign-out, a wrong password, a session that ends under the page; no console errors, no CSP violations, and
// no serious or critical axe findings. Needs `npm run build:web` first; it builds nothing itself.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { buildApp, WEB_DIST } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createContext, type AppContext } from '../../src/context.js';
import type { Database } from '../../src/db/client.js';
import { CLI_ACTOR } from '../../src/staff/staff.service.js';
import { totpCode } from '../../src/auth/totp.js';
import { testDatabases } from '../support/databases.js';
import { TEST_SECRET_KEY } from '../support/app.js';

const PASSWORD = 'a long test password 123';
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../.tmp/screenshots');
const VIEWPORTS = [
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
];
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let dataDir: string;
let database: Database;
let ctx: AppContext;
let app: FastifyInstance;
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) throw new Error(`${WEB_DIST}/index.html is missing: run npm run build:web first`);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-browser-'));
  database = await testDatabases[0]!.open();
  ctx = await createContext(loadConfig({ WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', WATCHFLOOR_DATA_DIR: dataDir }), { database });
  app = await buildApp(ctx, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ctx?.close();
  await database?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

async function createStaff(username: string, displayName: string, agencyName = 'Test PD') {
  await ctx.staff.createUser({ agencyName, username, displayName, password: PASSWORD, roles: ['operator'] }, CLI_ACTOR);
}

/** A fresh browser context whose page records console errors, uncaught errors and CSP violations. */
async function openPage(): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORTS[0], baseURL: baseUrl });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && !/Content[ -]Security[ -]Policy/i.test(msg.text())) return;
    // The browser logs every 4xx response; a 401 from the auth routes is how "not signed in" and "wrong
    // password" are answered, not a fault of the page.
    if (/status of 401/.test(msg.text()) && new URL(msg.location().url, baseUrl).pathname.startsWith('/api/v1/auth/')) return;
    problems.push(`console.${msg.type()}: ${msg.text()} (${msg.location().url})`);
  });
  // Chromium reports violations as console errors too; the event catches any it would not.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
  });
  return { context, page, problems };
}

async function screenshots(page: Page, name: string): Promise<void> {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(VIEWPORTS[0]!);
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** axe-core is evaluated through the DevTools protocol, which the page's CSP does not govern. */
async function seriousAxeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

describe('web app sign-in (browser)', () => {
  it('signs in with password and a newly enrolled authenticator, shows the floor, and signs out', async () => {
    await createStaff('dana', 'Dana Reyes', 'Metropolitan Police Department');
    const { context, page, problems } = await openPage();

    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'signin');

    await page.getByLabel('Username').fill('dana');
    await page.getByLabel('Password').fill(PASSWORD);
    const loginResponse = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await page.getByRole('button', { name: 'Continue' }).click();
    const enrollment = ((await (await loginResponse).json()) as { enrollment: { secret: string } }).enrollment;

    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
    const qr = page.getByRole('img', { name: /QR code/ });
    expect(await qr.isVisible()).toBe(true);
    const decoded = await qr.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth);
    expect(decoded).toBeGreaterThan(0);
    const shownSecret = (await page.getByTestId('totp-secret').textContent()) ?? '';
    expect(shownSecret).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    expect(shownSecret.replace(/\s/g, '')).toBe(enrollment.secret);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'enrolment');

    await page.getByLabel('Code from the app').fill(totpCode(shownSecret.replace(/\s/g, ''), new Date()));
    await page.getByRole('button', { name: 'Finish setup' }).click();

    const banner = page.getByRole('banner');
    await banner.getByRole('heading', { name: 'Watchfloor' }).waitFor();
    expect(await banner.textContent()).toContain('Dana Reyes');
    expect(await banner.textContent()).toContain('Metropolitan Police Department');
    expect(await banner.textContent()).toContain('Operator');
    expect(await page.getByRole('main').isVisible()).toBe(true);
    expect(await page.getByRole('complementary').getByRole('heading', { name: 'Alerts' }).isVisible()).toBe(true);
    expect(await page.getByRole('complementary').getByRole('heading', { name: 'Incidents' }).isVisible()).toBe(true);
    expect(await page.getByRole('complementary').textContent()).toContain('Not connected yet');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'floor');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('You signed out.');
    // The cookie no longer opens a session.
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows the problem detail when the password is wrong', async () => {
    await createStaff('wrongpw', 'Wrong Password');
    const { context, page, problems } = await openPage();
    await page.goto('/');
    await page.getByLabel('Username').fill('wrongpw');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Continue' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('The username or password is wrong.');
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    await screenshots(page, 'signin-error');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('resumes a session on load and returns to sign-in when the session ends under the page', async () => {
    await createStaff('resume', 'Resume Tester');
    const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'resume', password: PASSWORD }),
    });
    const { enrollment } = (await login.json()) as { enrollment: { secret: string } };
    const totp = await fetch(`${baseUrl}/api/v1/auth/totp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: login.headers.getSetCookie()[0]!.split(';')[0]! },
      body: JSON.stringify({ code: totpCode(enrollment.secret, new Date()) }),
    });
    expect(totp.status).toBe(200);
    const [name, value] = totp.headers.getSetCookie()[0]!.split(';')[0]!.split('=') as [string, string];

    const { context, page, problems } = await openPage();
    await context.addCookies([{ name, value, url: baseUrl }]);
    await page.goto('/');
    await page.getByRole('banner').getByText('Resume Tester').waitFor();

    await context.clearCookies();
    await page.evaluate('document.dispatchEvent(new Event("visibilitychange"))');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Your session ended (it is no longer valid, for example after signing out in another tab).');
    expect(await page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await screenshots(page, 'session-ended');

    // Signing in again, now with the enrolled app: the code step. The code of the current 30-second step was
    // spent above, and the server accepts one step of drift, so the next step's code is the one to type.
    await page.getByLabel('Username').fill('resume');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshots(page, 'code');
    await page.getByLabel('Enter the 6-digit code').fill(totpCode(enrollment.secret, new Date(Date.now() + 30_000)));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('banner').getByText('Resume Tester').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});

// The web app in a real browser against the real server: sign-in with TOTP enrolment, the floor frame,
// sign-out, a wrong password, a session that ends under the page; no console errors, no CSP violations, and
// no serious or critical axe findings. Needs `npm run build:web` first; it builds nothing itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/auth/totp.js';
import { createStaff as createStaffIn, openPage as openPageIn, PASSWORD, screenshots, seriousAxeViolations, startBrowserEnv, type BrowserEnv } from './support.js';

let env: BrowserEnv;
let baseUrl: string;

beforeAll(async () => {
  env = await startBrowserEnv();
  baseUrl = env.baseUrl;
}, 120_000);

afterAll(async () => {
  await env?.close();
});

async function createStaff(username: string, displayName: string, agencyName = 'Test PD') {
  await createStaffIn(env.ctx, username, displayName, { agency: agencyName });
}

/** Paths whose 4xx answers are expected once the session ends under the page. */
const SESSION_ENDS = /^\/api\/v1\/(auth\/|cameras\/|incidents|areas|alerts|colleagues)/;
const openPage = (expected?: RegExp) => openPageIn(env, expected ? { expected } : {});

describe('web app sign-in (browser)', { timeout: 120_000 }, () => {
  it('signs in with password and a newly enrolled authenticator, shows the floor, and signs out', async () => {
    await createStaff('dana', 'Dana Reyes', 'Metropolitan Police Department');
    const { context, page, problems } = await openPage();

    await page.goto('/');
    // The staff app is its own chunk and asks for the session first: the sign-in form comes a moment after load.
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
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

    // The floor's own requests (the map's cameras, the incident list) may be under way when the session ends: their 401 is how it learns.
    const { context, page, problems } = await openPage(SESSION_ENDS);
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

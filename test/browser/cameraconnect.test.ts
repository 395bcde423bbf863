// CameraConnect end to end in a real browser against the real server, as one story: a newcomer registers a camera
// on a phone and gets a mail; a supervisor approves it from the floor's review queue and it enters matching; the
// owner opens the mailed link, manages the camera and withdraws it, and the link does not open twice. Markup in
// what owners type stays text; axe finds nothing serious. Needs `npm run build:web` first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { destinationPoint } from '../../src/geo/sphere.js';
import {
  createStaff,
  LAPTOP,
  openPage,
  PHONE,
  screenshots,
  seedVerifiedCameras,
  seriousAxeViolations,
  signInFirstTime,
  startBrowserEnv,
  WIDE,
  type BrowserEnv,
  type OpenedPage,
} from './support.js';

/**
 * A city's worth of verified cameras around the newcomer's: the floor must stay quick with them. 5,000 by
 * default; WF_CITY_CAMERAS=30000 for the full load (the server then takes seconds to send map.geojson on PGlite).
 */
const CITY_CAMERAS = Number(process.env.WF_CITY_CAMERAS ?? 5_000);
const XSS_NAME = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>Eve';
/** The public pages learn "not signed in" and "link used" from 401s; the staff pages from auth 401s. */
const EXPECTED_4XX = /^\/api\/v1\/(auth|owner)\//;

let env: BrowserEnv;
let supervisor: OpenedPage;
/** The link mailed to the newcomer, and the camera as the supervisor approved it. */
let manageLink: string;
let camera: { id: string; location: { lat: number; lng: number }; bearingDeg: number; rangeM: number };

beforeAll(async () => {
  env = await startBrowserEnv({ WATCHFLOOR_WITHDRAWN_RETENTION_DAYS: '30' });
  const { agency } = await createStaff(env.ctx, 'sam', 'Sam Supervisor', { roles: ['supervisor'], agency: 'Metropolitan Police Department' });
  await seedVerifiedCameras(env.ctx, agency.id, CITY_CAMERAS);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

function mailTo(address: string) {
  const mail = env.mails.filter((m) => m.to === address).at(-1);
  if (!mail) throw new Error(`no mail to ${address}; sent: ${env.mails.map((m) => m.to).join(', ')}`);
  return mail;
}

function linkIn(text: string): string {
  const m = /(https?:\/\/\S+\/connect\/manage#token=[\w.-]+)/.exec(text);
  if (!m) throw new Error(`no owner link in mail: ${text}`);
  return m[1]!;
}

/** The camera's map: MapLibre's canvas, named by the page, once its style has loaded (the centre button then works). */
async function mapCanvas(page: Page, name: string) {
  const canvas = page.getByRole('region', { name });
  await canvas.scrollIntoViewIfNeeded();
  await canvas.waitFor();
  const centre = page.getByRole('button', { name: 'Put the pin at the centre of the map' });
  await expect.poll(() => centre.isEnabled()).toBe(true);
  return canvas;
}

describe('CameraConnect (browser)', { timeout: 120_000 }, () => {
  it('a newcomer registers a camera on a phone, placing and aiming it on the map, and is mailed a link', async () => {
    const { context, page, problems } = await openPage(env, { viewport: PHONE, expected: EXPECTED_4XX });
    const registrations: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && r.url().endsWith('/api/v1/registrations') && registrations.push(r.url()));
    await page.goto('/connect');
    await page.getByRole('heading', { name: 'Register your cameras' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.title()).toBe('Register your cameras · CameraConnect');
    // No staff session is looked for on the public pages.
    expect(await page.evaluate('performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/api/v1/auth/"))')).toEqual([]);
    await page.getByRole('region', { name: 'Text of the program terms' }).getByText('Registration is voluntary', { exact: false }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'connect', [PHONE, LAPTOP]);

    // In Spanish, the page follows (and says so to screen readers); back to English for the rest.
    await page.getByLabel('Language').selectOption('es');
    await page.getByRole('heading', { name: 'Registre sus cámaras' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    await screenshots(page, 'connect-es', [PHONE]);
    await page.getByLabel('Idioma').selectOption('en');
    await page.getByRole('heading', { name: 'Register your cameras' }).waitFor();

    // Sending the empty form: a summary that takes focus, each problem next to its field.
    await page.getByRole('button', { name: 'Register my cameras' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'Please correct the following:' });
    await summary.waitFor();
    expect(await isFocused(summary)).toBe(true);
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      'Enter your name.',
      'Enter your email address.',
      'Place the pin on the map where the camera is.',
      'Enter the days of footage kept: a whole number from 0 to 3650.',
      'Tick the box to agree to the program terms.',
    ]);
    const name = page.getByLabel('Your name');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await name.getAttribute('aria-describedby')}`).textContent()).toBe('Enter your name.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'connect-errors', [PHONE]);
    await summary.getByRole('link', { name: 'Enter your name.' }).click();
    expect(await isFocused(name)).toBe(true);

    // (a) About you.
    await name.fill('Ana Newcomer');
    await page.getByLabel('Email', { exact: true }).fill('ana@example.org');
    await page.getByLabel('Phone').fill('+1 202 555 0100');
    await page.getByLabel('You are registering as').selectOption('business');
    await page.getByLabel('Name of the business or organization').fill('Ana’s Bakery');

    // (b) The camera: named, pinned by a tap on the map, turned and widened.
    await page.getByLabel('Name for this camera').fill('Front door');
    const map = await mapCanvas(page, 'Map for placing camera 1');
    await map.click();
    const pin = page.getByText(/^Pin at -?\d+\.\d{5}, -?\d+\.\d{5}\.$/);
    await pin.waitFor();
    await page.getByRole('button', { name: 'Camera pin: drag to move' }).waitFor();
    const direction = page.getByRole('slider', { name: 'Direction it faces' });
    await page.getByLabel('Compass direction').selectOption('E');
    expect(await direction.getAttribute('aria-valuetext')).toBe('90° (East)');
    await page.getByRole('button', { name: 'Turn left 15°' }).click();
    await page.getByRole('button', { name: 'Turn left 15°' }).click();
    await page.getByRole('button', { name: 'Turn right 15°' }).click();
    expect(await direction.getAttribute('aria-valuetext')).toBe('75° (East)');
    await page.getByRole('slider', { name: 'How wide it sees' }).fill('120');
    await page.getByRole('slider', { name: 'How far it sees' }).fill('40');
    expect(await page.getByRole('slider', { name: 'How wide it sees' }).getAttribute('aria-valuetext')).toBe('120°');
    await page.getByLabel('Days of footage kept').fill('30');
    // A business may offer live view: the stream fields appear with it, and leave with it.
    await page.getByLabel('Integrated (live view)').check();
    await page.getByLabel('Stream address').waitFor();
    expect(await page.getByText('stored encrypted and are never shown again').isVisible()).toBe(true);
    await page.getByLabel('Registered', { exact: true }).check();
    expect(await page.getByLabel('Stream address').count()).toBe(0);
    await page.getByRole('group', { name: 'Where is the camera?' }).scrollIntoViewIfNeeded();
    await screenshots(page, 'connect-camera', [PHONE], { settle: () => page.waitForTimeout(400) });
    await screenshots(page, 'connect-camera', [LAPTOP], {
      settle: async () => {
        await page.getByRole('heading', { name: 'Camera 1' }).evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
        await page.waitForTimeout(400);
      },
    });

    // A second camera comes and goes.
    await page.getByRole('button', { name: 'Add another camera' }).click();
    const second = page.getByRole('heading', { name: 'Camera 2' });
    await second.waitFor();
    expect(await isFocused(second)).toBe(true);
    await page.getByRole('button', { name: 'Remove camera 2' }).click();
    expect(await page.getByRole('heading', { name: 'Camera 2' }).count()).toBe(0);

    // (c) The terms, and the consent; the honeypot stays empty and out of reach.
    const honeypot = page.getByLabel('Leave this empty');
    expect(await honeypot.getAttribute('tabindex')).toBe('-1');
    expect(await honeypot.inputValue()).toBe('');
    await page.getByLabel('I have read the program terms and agree to them').check();
    expect(await seriousAxeViolations(page)).toEqual([]);
    // Two quick clicks send one registration.
    await page.getByRole('button', { name: 'Register my cameras' }).dblclick();
    const done = page.getByRole('heading', { name: 'Check your email: we sent a link to manage your cameras' });
    await done.waitFor();
    expect(registrations).toHaveLength(1);
    expect(await page.getByRole('status').textContent()).toBe('We received your camera. The link went to ana@example.org.');
    expect(await page.getByRole('heading', { name: 'What happens next' }).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'connect-done', [PHONE]);

    await env.ctx.outbox.runOnce();
    const mail = mailTo('ana@example.org');
    expect(mail.subject).toBe('Your cameras are registered with CameraConnect');
    manageLink = linkIn(mail.text);
    expect(manageLink.startsWith(`${env.baseUrl}/connect/manage#token=`)).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('a supervisor approves the camera from the review queue; it is on the map and in matching', async () => {
    supervisor = await openPage(env, { viewport: WIDE, expected: EXPECTED_4XX });
    const { page, problems } = supervisor;
    await signInFirstTime(page, 'sam');
    const panel = page.getByRole('complementary');
    await panel.getByRole('tab', { name: 'Camera review' }).click();
    await panel.getByRole('heading', { name: /Review queue/ }).waitFor();
    // The city's cameras load onto the map, and the map keeps answering.
    const started = Date.now();
    await page.getByRole('status').filter({ hasText: `${CITY_CAMERAS.toLocaleString('en-US')} on the map` }).waitFor({ timeout: 30_000 });
    console.log(`floor: ${CITY_CAMERAS} cameras on the map after ${Date.now() - started} ms`);
    await page.waitForTimeout(500);
    await screenshots(page, 'floor-city', [WIDE]);

    const item = panel.getByRole('button', { name: /Front door/ });
    await item.waitFor();
    expect(await item.textContent()).toContain('Ana Newcomer · Business (Ana’s Bakery)');
    await item.click();
    expect(await item.getAttribute('aria-expanded')).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'floor-review', [WIDE, LAPTOP], { settle: () => page.waitForTimeout(500) });

    const verified = page.waitForResponse((r) => /\/api\/v1\/cameras\/[\w-]+\/verify$/.test(r.url()));
    await panel.getByRole('button', { name: 'Approve' }).click();
    camera = await (await verified).json();
    await panel.getByText('Approved: Front door.').waitFor();
    expect(await panel.getByRole('button', { name: /Front door/ }).count()).toBe(0);
    expect(camera.bearingDeg).toBe(75);
    expect(camera.rangeM).toBe(40);

    const onMap = (await page.evaluate(`fetch('/api/v1/cameras/map.geojson').then((r) => r.json())`)) as { features: { id: string; properties: { fovDeg: number } }[] };
    expect(onMap.features.find((f) => f.id === camera.id)?.properties.fovDeg).toBe(120);
    await page.getByRole('status').filter({ hasText: `${(CITY_CAMERAS + 1).toLocaleString('en-US')} on the map` }).waitFor();
    const inFront = destinationPoint(camera.location, 15, camera.bearingDeg);
    const matches = env.ctx.cameras.index.findCamerasThatCouldSee({ ...inFront, accuracyM: 10 }, 250);
    expect(matches.map((m) => m.camera.id)).toContain(camera.id);

    // Street zoom: each camera with its field of view, computed for the view alone.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(resolve))');
    await screenshots(page, 'floor-street', [WIDE]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('the owner opens the mailed link, manages the camera, withdraws it, and the link does not open twice', async () => {
    const { context, page, problems } = await openPage(env, { viewport: LAPTOP, expected: EXPECTED_4XX });
    await page.goto(new URL(manageLink).pathname + new URL(manageLink).hash);
    await page.getByRole('heading', { name: 'Your cameras', level: 1 }).waitFor();
    // The token leaves the address bar at once.
    expect(page.url()).toBe(`${env.baseUrl}/connect/manage`);
    const card = page.getByRole('article', { name: 'Front door' });
    expect(await card.getByText('Verified', { exact: true }).isVisible()).toBe(true);
    expect(await page.getByText('ana@example.org').isVisible()).toBe(true);
    await card.getByRole('img', { name: 'Map of Front door: the pin and what the camera sees' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.waitForTimeout(500);
    await screenshots(page, 'manage', [LAPTOP, PHONE], { fullPage: true, settle: () => page.waitForTimeout(500) });

    // Pause and resume: out of matching while paused.
    const inFront = destinationPoint(camera.location, 15, camera.bearingDeg);
    const sees = () => env.ctx.cameras.index.findCamerasThatCouldSee({ ...inFront, accuracyM: 10 }, 250).some((m) => m.camera.id === camera.id);
    await card.getByRole('button', { name: 'Pause' }).click();
    await card.getByText('Paused', { exact: true }).waitFor();
    expect(sees()).toBe(false);
    await card.getByRole('button', { name: 'Resume' }).click();
    await card.getByText('Verified', { exact: true }).waitFor();
    expect(sees()).toBe(true);

    // An edit that does not move or re-aim the camera keeps it verified.
    await card.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit Front door' }).waitFor();
    expect(await page.getByText('Moving or re-aiming a verified camera sends it back to review').isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-edit', [LAPTOP], { settle: () => page.waitForTimeout(500) });
    await page.getByLabel('Name for this camera').fill('Front door (east)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Your changes are saved.' }).waitFor();
    const renamed = page.getByRole('article', { name: 'Front door (east)' });
    expect(await renamed.getByText('Verified', { exact: true }).isVisible()).toBe(true);

    // Everything the program holds, as a file.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download my data' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('cameraconnect-my-data.json');
    const exported = JSON.parse(await streamText(await file.createReadStream())) as { owner: { email: string }; cameras: unknown[] };
    expect(exported.owner.email).toBe('ana@example.org');
    expect(exported.cameras).toHaveLength(1);

    // Withdraw, after the confirmation: out of matching at once.
    await renamed.getByRole('button', { name: 'Withdraw' }).click();
    const dialog = page.getByRole('dialog', { name: 'Withdraw Front door (east)?' });
    await dialog.waitFor();
    expect(await isFocused(dialog.getByRole('button', { name: 'Cancel' }))).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-withdraw', [PHONE]);
    await dialog.getByRole('button', { name: 'Withdraw this camera' }).click();
    await renamed.getByText('Withdrawn', { exact: true }).waitFor();
    expect(sees()).toBe(false);
    expect(await page.getByRole('status').filter({ hasText: 'Front door (east) is withdrawn.' }).count()).toBe(1);

    // The same link again (a new load: going to the same page with only a new fragment would not reload it):
    // used up; a new one can be asked for.
    await page.goto('about:blank');
    await page.goto(new URL(manageLink).pathname + new URL(manageLink).hash);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('already been used');
    await page.getByLabel('Email').fill('ana@example.org');
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('If that address is registered, a link is on its way.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-link', [PHONE]);
    await env.ctx.outbox.runOnce();
    expect(env.mails.filter((m) => m.to === 'ana@example.org').map((m) => m.subject)).toContain('Your CameraConnect link');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows markup in what an owner typed as text, in the review queue and on the owner page', async () => {
    const res = await fetch(`${env.baseUrl}/api/v1/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        owner: { name: XSS_NAME, email: 'eve@example.org', kind: 'resident' },
        cameras: [
          { location: { lat: 38.9, lng: -77.03 }, label: '<b>Porch</b>', address: '<i>1 Main St</i>', kind: 'fixed', bearingDeg: 10, fovDeg: 80, rangeM: 20, retentionDays: 7, tier: 'registered' },
        ],
        consent: true,
        website: '',
      }),
    });
    expect(res.status).toBe(202);

    const { page, problems } = supervisor;
    const panel = page.getByRole('complementary');
    await panel.getByRole('button', { name: 'Refresh' }).click();
    const item = panel.getByRole('button', { name: /<b>Porch<\/b>/ });
    await item.waitFor();
    expect(await item.textContent()).toContain(`${XSS_NAME} · Resident`);
    expect(await item.textContent()).toContain('<i>1 Main St</i>');
    await item.click();
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('.side-panel img, .side-panel script, .side-panel b').count()).toBe(0);
    expect(problems).toEqual([]);

    await env.ctx.outbox.runOnce();
    const owner = await openPage(env, { viewport: PHONE, expected: EXPECTED_4XX });
    const link = new URL(linkIn(mailTo('eve@example.org').text));
    await owner.page.goto(link.pathname + link.hash);
    await owner.page.getByRole('heading', { name: 'Your cameras', level: 1 }).waitFor();
    expect(await owner.page.getByText(XSS_NAME, { exact: true }).isVisible()).toBe(true);
    expect(await owner.page.getByRole('heading', { name: '<b>Porch</b>' }).isVisible()).toBe(true);
    expect(await owner.page.evaluate('window.__xss')).toBeUndefined();
    expect(owner.problems).toEqual([]);
    await owner.context.close();
  });

  it('the owner page without a link asks for one, and has nothing serious for axe', async () => {
    const { context, page, problems } = await openPage(env, { viewport: PHONE, expected: EXPECTED_4XX });
    await page.goto('/connect/manage');
    await page.getByRole('heading', { name: 'Get a link to manage your cameras' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshots(page, 'manage-signed-out', [PHONE, LAPTOP]);
    expect(problems).toEqual([]);
    await context.close();
  });
});

/** Whether the element has the keyboard focus (typed by hand: these tests compile without the DOM library). */
function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === el);
}

async function streamText(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

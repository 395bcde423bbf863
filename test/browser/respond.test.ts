// The owner's answer to a footage request, in a real browser against the real server, as a new owner would live
// it: a crime near two verified cameras; staff ask both owners for footage; the request mail arrives over SMTP;
// each owner opens the link. One refuses a file that is not video and one over the limit before anything is sent,
// and sees a fake clip refused by the server; then uploads a real clip while the connection drops (one cut request
// retried on its own; the browser offline and back), then reloads the tab mid-upload, chooses the file again and
// the upload resumes from the server's offset; the stored original's SHA-256 equals the file's. The other owner,
// in Spanish on a phone, declines with a reason, then turns down property crime: the next burglary in front of the
// camera leaves it out. axe finds nothing serious. Needs `npm run build:web` first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Request, Route } from 'playwright-core';
import { destinationPoint } from '../../src/geo/sphere.js';
import { CLI_ACTOR } from '../../src/staff/staff.service.js';
import { createAndSignIn, type SignedIn } from '../support/app.js';
import { startMailCatcher, type MailCatcher, type ReceivedMail } from '../support/mail.js';
import { makeClip } from '../support/video.js';
import { LAPTOP, openPage, PHONE, seriousAxeViolations, startBrowserEnv, type BrowserEnv } from './support.js';

/** A small limit and clip keep the test quick: the clip goes in 64 KiB pieces (web/src/connect/uploadLimits.ts). */
const MAX_BYTES = 2 * 1024 * 1024;
const SCREENS = path.resolve(import.meta.dirname, '../../.tmp/screens');
/** The pages learn "not signed in", "link used", "request closed" and "not video" from 4xx answers. */
const EXPECTED_4XX = /^\/api\/v1\/(auth|owner|uploads)\b/;
/** What Chromium logs for the requests this test cuts on purpose. */
const CUT = /net::ERR_(FAILED|INTERNET_DISCONNECTED|CONNECTION_RESET|ABORTED)/;

let env: BrowserEnv;
let mail: MailCatcher;
let staff: SignedIn;
let files: string;
const owners = {
  ana: { email: 'ana@example.org', name: 'Ana Owner', language: 'en', camera: 'Front door', at: { lat: 38.9, lng: -77.03 }, cameraId: '', requestId: '', link: '' },
  beto: { email: 'beto@example.org', name: 'Beto Dueño', language: 'es', camera: 'Portón', at: { lat: 38.91, lng: -77.02 }, cameraId: '', requestId: '', link: '' },
};
let incidentIds: string[] = [];

const inject = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  env.app.inject({ method, url, headers: method === 'GET' ? { cookie: staff.cookie } : staff.headers, ...(payload === undefined ? {} : { payload: payload as object }) });

/** The footage request mail to this address, once the SMTP server has it. */
async function mailTo(address: string): Promise<ReceivedMail> {
  const find = () => mail.received.filter((m) => m.to.includes(address) && /footage|grabaciones/i.test(m.subject)).at(-1);
  for (let waited = 0; !find() && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
  const found = find();
  if (!found) throw new Error(`no footage request mail to ${address}; received: ${mail.received.map((m) => `${m.to}: ${m.subject}`).join('; ')}`);
  return found;
}

function linkIn(text: string): string {
  const m = /(https?:\/\/\S+\/connect\/manage#token=[\w.-]+)/.exec(text);
  if (!m) throw new Error(`no owner link in mail: ${text}`);
  const url = new URL(m[1]!);
  return url.pathname + url.hash;
}

async function screens(page: Page, name: string, viewports: { width: number; height: number }[], fullPage = true) {
  const before = page.viewportSize();
  for (const viewport of viewports) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENS, `${name}-${viewport.width}x${viewport.height}.png`), fullPage });
  }
  if (before) await page.setViewportSize(before);
}

/** Chooses files through the page's own button, as a person would (the browser's file chooser opens). */
async function chooseFiles(page: Page, button: string, paths: string[]) {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: button, exact: true }).click();
  await (await chooser).setFiles(paths);
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(async () => {
  mail = await startMailCatcher();
  env = await startBrowserEnv({
    WATCHFLOOR_SMTP_URL: mail.url,
    WATCHFLOOR_UPLOAD_MAX_BYTES: String(MAX_BYTES),
    WATCHFLOOR_QUIET_HOURS: '0-0',
    WATCHFLOOR_LOGIN_RATE_LIMIT: '1000',
  });
  fs.mkdirSync(SCREENS, { recursive: true });
  files = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-respond-'));
  staff = await createAndSignIn({ app: env.app, ctx: env.ctx, clock: env.ctx.clock, close: async () => undefined }, ['supervisor'], { agency: 'Metropolitan Police Department' });

  // Two owners register a camera each (Beto in Spanish); staff approve both.
  for (const o of Object.values(owners)) {
    const res = await fetch(`${env.baseUrl}/api/v1/registrations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        owner: { name: o.name, email: o.email, kind: 'resident', language: o.language },
        cameras: [{ location: o.at, label: o.camera, kind: 'fixed', bearingDeg: 90, fovDeg: 100, rangeM: 40, retentionDays: 30, tier: 'registered' }],
        consent: true,
        website: '',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(202);
  }
  const queue = (await inject('GET', '/api/v1/cameras/review-queue')).json() as { items: { camera: { id: string }; owner: { email: string } }[] };
  for (const item of queue.items) {
    expect((await inject('POST', `/api/v1/cameras/${item.camera.id}/verify`, {})).statusCode).toBe(200);
    Object.values(owners).find((o) => o.email === item.owner.email)!.cameraId = item.camera.id;
  }

  // A burglary in front of each camera, reported by the CAD feed; staff ask the owners for footage.
  const { key } = await env.ctx.staff.createApiKey({ agencyName: 'Metropolitan Police Department', name: 'CAD', role: 'operator' }, CLI_ACTOR);
  incidentIds = [];
  for (const [i, o] of Object.values(owners).entries()) {
    const at = destinationPoint(o.at, 15, 90);
    const inc = await env.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: { authorization: `Bearer ${key}` },
      payload: { source: 'cad', externalId: `R-${i}`, type: 'BURGLARY', priority: 3, occurredAt: new Date(Date.now() - 30 * 60_000).toISOString(), location: { ...at, accuracyM: 5 } },
    });
    expect(inc.statusCode, inc.body).toBeLessThan(300);
    incidentIds.push(inc.json().id);
    const asked = await inject('POST', `/api/v1/incidents/${inc.json().id}/requests`, { purposeCode: 'criminal-investigation', reason: 'A house was broken into across the street; your camera may show who went in.' });
    expect(asked.statusCode, asked.body).toBe(200);
    const outcome = (asked.json().outcomes as { outcome: string; requestId: string }[])[0]!;
    expect(outcome.outcome).toBe('requested');
    o.requestId = outcome.requestId;
  }
  await env.ctx.requests.housekeeping();
  await env.ctx.outbox.runOnce();
  for (const o of Object.values(owners)) o.link = linkIn((await mailTo(o.email)).text);
}, 120_000);

afterAll(async () => {
  await env?.close();
  await mail?.close();
  if (files) fs.rmSync(files, { recursive: true, force: true });
});

/** Network failures this test causes on purpose are not faults of the page. */
const faults = (problems: string[]) => problems.filter((p) => !CUT.test(p));

describe('Answering a footage request (browser)', { timeout: 120_000 }, () => {
  let ana: { context: BrowserContext; page: Page; problems: string[] };

  it('the mailed link opens the page with the request on top: what, why, when, which camera, until when', async () => {
    const request = mail.received.find((m) => m.to.includes(owners.ana.email) && /footage/i.test(m.subject))!;
    expect(request.subject).toBe('Police ask for footage from your camera');
    ana = await openPage(env, { viewport: LAPTOP, expected: EXPECTED_4XX });
    const { page } = ana;
    await page.goto(owners.ana.link);
    const section = page.getByRole('region', { name: /Footage requests/ });
    await section.waitFor();
    // The requests come before the owner's details and cameras.
    const order = await page.locator('main h2').allTextContents();
    expect(order[0]).toMatch(/^Footage requests/);
    const card = section.getByRole('article', { name: 'Footage to help investigate a crime' });
    expect(await card.getByText('A house was broken into across the street; your camera may show who went in.').isVisible()).toBe(true);
    expect(await card.getByText('To investigate a crime that happened near your camera.').isVisible()).toBe(true);
    expect(await card.getByRole('listitem').filter({ hasText: 'Front door' }).isVisible()).toBe(true);
    expect(await card.getByText(/^Times are in Eastern (Daylight|Standard) Time\.$/).isVisible()).toBe(true);
    expect(await card.getByText(/\(in (2|3) days\)$/).isVisible()).toBe(true);
    expect(await card.getByText('Sharing is voluntary. If you decline, nothing happens to you').isVisible()).toBe(true);
    expect(await card.getByText(/Video files only, up to 2\.1 MB each\./).isVisible()).toBe(true);
    // The time window, in the owner's zone (the server's default, America/New_York), as the mail said it.
    const r = (await env.app.inject({ method: 'GET', url: `/api/v1/incidents/${incidentIds[0]}`, headers: { cookie: staff.cookie } })).json().requests[0] as { windowFrom: string; windowTo: string };
    const window = new Intl.DateTimeFormat('en', { timeZone: 'America/New_York', weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }).formatRange(new Date(r.windowFrom), new Date(r.windowTo));
    expect(await card.getByText(window).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-request', [PHONE, LAPTOP]);
    expect(faults(ana.problems)).toEqual([]);
  });

  it('refuses a file that is not video and one over the limit before sending, and shows why the server refused a fake clip', async () => {
    const { page } = ana;
    const uploads: string[] = [];
    const onRequest = (r: Request) => r.url().includes('/api/v1/uploads') && r.method() === 'POST' && uploads.push(r.url());
    page.on('request', onRequest);
    const notes = path.join(files, 'notes.txt');
    fs.writeFileSync(notes, 'not a video');
    const big = path.join(files, 'big.mp4');
    fs.writeFileSync(big, Buffer.alloc(3 * 1024 * 1024));
    await chooseFiles(page, 'Choose video files', [notes, big]);
    const list = page.getByRole('list', { name: 'Files being sent' });
    await list.getByText('“notes.txt” is not a video file. Choose a video (.mp4, .mov').waitFor();
    await list.getByText('“big.mp4” is 3.1 MB, more than the limit of 2.1 MB. Export only the time asked for').waitFor();
    expect(uploads).toEqual([]);
    // The live region says it too.
    await expect.poll(() => page.locator('[aria-live="polite"]').filter({ hasText: 'notes.txt' }).count()).toBeGreaterThan(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-refused', [PHONE]);

    // A file named like a video that is none: sent, then refused by the server (nothing kept), in plain words.
    const fake = path.join(files, 'fake.mp4');
    fs.writeFileSync(fake, crypto.randomBytes(5000));
    await chooseFiles(page, 'Choose video files', [fake]);
    await list.getByText(/The server did not take the file: "fake\.mp4" has no video that this program can read; nothing was kept\./).waitFor();
    expect(uploads).toHaveLength(1);
    for (const name of ['notes.txt', 'big.mp4', 'fake.mp4']) await list.getByRole('button', { name: `Remove from the list: ${name}` }).click();
    expect(await list.count()).toBe(0);
    const kept = (await inject('GET', `/api/v1/requests/${owners.ana.requestId}/evidence`)).json().evidence;
    expect(kept).toEqual([]);
    page.off('request', onRequest);
    expect(faults(ana.problems)).toEqual([]);
  });

  it('uploads a clip through a dropped request, an offline spell and a reload, resuming from the server’s offset; the hash matches', async () => {
    const { context, page } = ana;
    const clip = makeClip('porch.mp4', { seconds: 30 });
    const size = fs.statSync(clip).size;
    expect(size).toBeGreaterThan(8 * 64 * 1024); // several pieces
    const hash = sha256(clip);

    // Every PATCH is slowed a little (so progress, speed and time left show); the test cuts some on purpose.
    let patches = 0;
    /** From this many PATCHes through on, every PATCH is cut: the connection is gone for good. */
    let cutFrom = Infinity;
    const offsets: number[] = [];
    let holdAt = -1;
    let held: ((route: Route) => void) | undefined;
    const handler = async (route: Route) => {
      const req = route.request();
      if (req.method() !== 'PATCH') return route.continue();
      patches++;
      if (offsets.length >= cutFrom) return route.abort('connectionreset');
      if (patches === 3) return route.abort('connectionreset'); // once: tus-js-client retries on its own
      if (patches === holdAt && held) return held(route);
      offsets.push(Number(req.headers()['upload-offset']));
      await new Promise((r) => setTimeout(r, 150));
      return route.continue();
    };
    await page.route('**/api/v1/uploads/**', handler);

    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.type());
      void d.accept();
    });

    holdAt = 6;
    const heldRoute = new Promise<Route>((resolve) => (held = resolve));
    await chooseFiles(page, 'Choose video files', [clip]);
    const row = page.getByRole('listitem', { name: 'porch.mp4' });
    const bar = row.getByRole('progressbar', { name: 'Upload of porch.mp4' });
    await bar.waitFor();
    // While the file is on its way the choice is made: no Decline button.
    expect(await page.getByRole('button', { name: 'Decline' }).count()).toBe(0);
    // Percent, megabytes, speed and time left.
    await row.getByText(/^\d+% · [\d.]+ kB of 5\d\d kB$/).waitFor();
    await row.getByText(/^[\d.]+ (kB|MB)\/s · about .+ left$/).waitFor();
    await screens(page, 'respond-uploading', [PHONE, LAPTOP], false);

    // The third PATCH was cut and retried by itself: the offsets sent are still in order, none skipped.
    // Then the browser goes offline in the middle of the sixth: the page waits, and goes on when it is back.
    const sixth = await heldRoute;
    await context.setOffline(true);
    await sixth.abort('internetdisconnected');
    await row.getByText('You are offline. The upload continues by itself when the connection is back.').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-offline', [PHONE], false);
    const beforeOnline = offsets.length;
    // Two more pieces go through after the browser is back online, then the connection drops for good.
    cutFrom = beforeOnline + 2;
    await context.setOffline(false);
    await expect.poll(() => offsets.length, { timeout: 10_000 }).toBeGreaterThan(beforeOnline);
    expect(offsets.slice(beforeOnline)[0]).toBe(offsets[beforeOnline - 1]! + 64 * 1024);
    await row.getByText(/^Resumed at [\d.]+ kB: what was already sent is not sent again\.$/).waitFor();

    // The connection drops for good: the page says it keeps trying; the owner reloads the tab.
    await row.getByText(/^Connection lost\. Trying again/).waitFor({ timeout: 15_000 });
    const serverOffset = Math.max(...offsets) + 64 * 1024;
    await page.reload();
    expect(dialogs).toEqual(['beforeunload']); // the page asked before letting the upload stop
    await page.unroute('**/api/v1/uploads/**', handler);

    // The page offers to resume, and says plainly why the file must be chosen again.
    const offers = page.getByRole('region', { name: /Footage requests/ });
    await offers.getByText(`The upload of “porch.mp4” stopped at ${Math.round(serverOffset / 1000)} kB of ${Math.round(size / 1000)} kB.`).waitFor();
    expect(await offers.getByText('To continue, choose the same file again. The browser cannot open a file by itself, to protect your privacy.').isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-resume', [PHONE, LAPTOP]);

    // Choosing another file to resume is refused; choosing the same one resumes where the server stands.
    const other = makeClip('other.mp4', { seconds: 2 });
    await chooseFiles(page, 'Resume porch.mp4', [other]);
    await page.getByText(`“other.mp4” is not the same file. To resume, choose “porch.mp4” (${Math.round(size / 1000)} kB) again.`, { exact: true }).waitFor();
    const head = page.waitForResponse((r) => r.request().method() === 'HEAD' && r.url().includes('/api/v1/uploads/') && r.status() === 200 && r.request().resourceType() === 'xhr');
    const firstPatch = page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes('/api/v1/uploads/'));
    await chooseFiles(page, 'Resume porch.mp4', [clip]);
    const resumedAt = Number((await head).headers()['upload-offset']);
    expect(resumedAt).toBe(serverOffset);
    expect(resumedAt).toBeGreaterThan(0);
    expect(Number((await firstPatch).headers()['upload-offset'])).toBe(resumedAt);

    // Received: the owner sees it arrived, was checked, its fingerprint, and when it is ready.
    const shared = page.getByRole('list', { name: 'Files you shared' });
    const received = shared.getByRole('listitem').filter({ hasText: 'porch.mp4' });
    await received.waitFor({ timeout: 60_000 });
    await received.getByText(`${hash.slice(0, 8)}…${hash.slice(-8)}`).waitFor();
    await received.getByText(/^Received /).waitFor();
    await received.getByText('Ready for investigators').waitFor({ timeout: 60_000 });
    await page.getByRole('article', { name: 'Footage to help investigate a crime' }).getByText('Footage shared', { exact: true }).waitFor();
    expect(await page.getByText('The upload of “porch.mp4” stopped').count()).toBe(0);
    expect(await page.locator('.upload-list').getByText('is not the same file').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-received', [PHONE, LAPTOP]);

    // Staff hold the original byte for byte.
    const evidence = (await inject('GET', `/api/v1/requests/${owners.ana.requestId}/evidence`)).json().evidence as { sha256: string; sizeBytes: number; originalName: string }[];
    expect(evidence).toHaveLength(1);
    expect(evidence[0]).toMatchObject({ sha256: hash, sizeBytes: size, originalName: 'porch.mp4' });

    // On the next visit, the answered request is a past request, its files a click away.
    await page.reload();
    const past = page.getByRole('region', { name: 'Past requests' });
    await past.waitFor();
    expect(await page.getByRole('region', { name: /^Footage requests/ }).count()).toBe(0);
    const pastCard = past.getByRole('article', { name: 'Footage to help investigate a crime' });
    expect(await pastCard.getByText('Footage shared', { exact: true }).isVisible()).toBe(true);
    await pastCard.getByRole('button', { name: 'Show the files' }).click();
    await pastCard.getByText('Ready for investigators').waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-past', [PHONE]);
    expect(faults(ana.problems)).toEqual([]);
    await ana.context.close();
  }, 120_000);

  it('an owner declines in Spanish on a phone, with a reason; staff see it; it becomes a past request; they turn down a kind of request', async () => {
    const request = await mailTo(owners.beto.email);
    expect(request.text).toContain('Portón');
    const { context, page, problems } = await openPage(env, { viewport: PHONE, expected: EXPECTED_4XX });
    await page.goto(owners.beto.link);
    const section = page.getByRole('region', { name: /Solicitudes de grabaciones/ });
    await section.waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    const card = section.getByRole('article', { name: 'Grabaciones para ayudar a investigar un delito' });
    expect(await card.getByText('Compartir es voluntario. Si la rechaza, no le pasa nada').isVisible()).toBe(true);
    expect(await card.getByRole('listitem').filter({ hasText: 'Portón' }).isVisible()).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-es', [PHONE, LAPTOP]);

    // Cancel first: nothing happens.
    await card.getByRole('button', { name: 'Rechazar' }).click();
    let dialog = page.getByRole('dialog', { name: '¿Rechazar esta solicitud?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancelar' }).click();
    expect((await inject('GET', `/api/v1/incidents/${incidentIds[1]}`)).json().requests[0].status).toBe('sent');

    await card.getByRole('button', { name: 'Rechazar' }).click();
    dialog = page.getByRole('dialog', { name: '¿Rechazar esta solicitud?' });
    await dialog.getByLabel('Motivo').fill('Mi cámara no grabó esa noche.');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-decline', [PHONE], false);
    await dialog.getByRole('button', { name: 'Rechazar la solicitud' }).click();
    const done = page.getByRole('status').filter({ hasText: 'Rechazó la solicitud. Gracias por avisarnos.' });
    await done.waitFor();
    // The card left; the focus is on the sentence that says what happened.
    expect(await done.evaluate((el) => (el as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement === el)).toBe(true);
    expect(await page.getByRole('region', { name: /Solicitudes de grabaciones/ }).count()).toBe(0);
    const past = page.getByRole('region', { name: 'Solicitudes anteriores' });
    const pastCard = past.getByRole('article', { name: 'Grabaciones para ayudar a investigar un delito' });
    expect(await pastCard.getByText('Rechazada', { exact: true }).isVisible()).toBe(true);
    expect(await pastCard.getByText('Su motivo: Mi cámara no grabó esa noche.').isVisible()).toBe(true);
    expect(await pastCard.getByRole('button', { name: 'Rechazar' }).count()).toBe(0);

    const seen = (await inject('GET', `/api/v1/incidents/${incidentIds[1]}`)).json().requests[0];
    expect(seen).toMatchObject({ status: 'declined', declineReason: 'Mi cámara no grabó esa noche.' });
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screens(page, 'respond-declined', [PHONE]);
    expect(faults(problems)).toEqual([]);

    // Beto does not want to be asked about property crime again: saved, still ticked after a reload.
    const kinds = page.getByRole('region', { name: 'Solicitudes que recibe' });
    const group = kinds.getByRole('group', { name: 'No me pregunten por' });
    expect(await group.getByRole('checkbox').count()).toBe(5);
    const property = group.getByRole('checkbox', { name: 'Delitos contra la propiedad' });
    expect(await property.isChecked()).toBe(false);
    expect(await page.locator(`#${await property.getAttribute('aria-describedby')}`).textContent()).toBe('Allanamiento, hurto, incendio provocado, vandalismo: bienes robados o dañados.');
    await property.check();
    await kinds.getByRole('button', { name: 'Guardar mis opciones' }).click();
    await kinds.getByRole('status').filter({ hasText: 'Sus opciones están guardadas.' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await kinds.scrollIntoViewIfNeeded();
    await screens(page, 'respond-kinds', [PHONE], false);
    await page.reload();
    await page.getByRole('region', { name: 'Solicitudes que recibe' }).waitFor();
    expect(await page.getByRole('checkbox', { name: 'Delitos contra la propiedad' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Delitos violentos' }).isChecked()).toBe(false);

    // The next burglary in front of Beto's camera leaves it out; a robbery there still finds it.
    const { key } = await env.ctx.staff.createApiKey({ agencyName: 'Metropolitan Police Department', name: 'CAD 2', role: 'operator' }, CLI_ACTOR);
    const matched = async (externalId: string, type: string) => {
      const at = destinationPoint(owners.beto.at, 15, 90);
      const inc = await env.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: { authorization: `Bearer ${key}` },
        payload: { source: 'cad', externalId, type, priority: 3, occurredAt: new Date(Date.now() - 10 * 60_000).toISOString(), location: { ...at, accuracyM: 5 } },
      });
      const detail = (await inject('GET', `/api/v1/incidents/${inc.json().id}`)).json() as { matches: { cameraId: string }[] };
      return detail.matches.map((m) => m.cameraId);
    };
    expect(await matched('R-10', 'BURGLARY')).not.toContain(owners.beto.cameraId);
    expect(await matched('R-11', 'ROBBERY')).toContain(owners.beto.cameraId);
    expect(faults(problems)).toEqual([]);
    await context.close();
  });
});

// The floor in a real browser against the real server, as an analyst's shift: an incident posted by the CAD feed
// appears on the map and in the list as it happens (carried by a frame of the live WebSocket; within a poll when the
// server has none; the times are printed, not asserted: a shared machine's speed is the benches' to measure); opened
// from the keyboard, footage is asked for one camera, the owner declines through the API and the state changes under
// the analyst's eyes; another owner uploads a clip that plays with its hash and custody; the
// view lives in the address; the alert queue answers the a key. No console errors, no serious axe findings, and
// screenshots of a living floor at 1920×1080 and 1366×768. Needs `npm run build:web` first.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { issueOwnerLink } from '../../src/cameras/owner-links.js';
import { CLI_ACTOR } from '../../src/staff/staff.service.js';
import { makeClip } from '../support/video.js';
import { createStaff, LAPTOP, openPage, seedVerifiedCameras, seriousAxeViolations, signInFirstTime, startBrowserEnv, WIDE, type BrowserEnv, type OpenedPage } from './support.js';

const SCREENS = path.resolve(import.meta.dirname, '../../.tmp/screens');
/** The shops and homes around the corner where the robbery happens; their owners answer. */
const CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
shop-1,38.90000,-77.03000,ptz,,360,40,30,shop@example.org,Corner Shop,business
home-1,38.90012,-77.03018,doorbell,135,120,30,30,home@example.org,Ada Home,resident
bar-1,38.89985,-77.02975,dome,300,100,35,30,bar@example.org,Night Bar,business
`;
const SPOT = { lat: 38.90003, lng: -77.02998 };
/** The browser learns "signed out" and, for owners, "link used" from 4xx answers. */
const EXPECTED_4XX = /^\/api\/v1\/(auth|owner)\//;
/** How long a change may take to show before a test fails: a cut-off for a busy machine, not a latency asserted. */
const UPDATE_MS = 20_000;

let env: BrowserEnv;
let apiKey: string;
let floor: OpenedPage;
let live = false;
let alertsAvailable = false;
let robberyId: string | undefined;
/** Every frame the floor's WebSocket received, with when: what reached the page live, and in what order. */
const frames: { at: number; payload: string }[] = [];
/** When the first frame received at or after `since` that contains every one of `parts` arrived (0: none did). */
const frameAt = (since: number, ...parts: string[]) => frames.find((f) => f.at >= since && parts.every((p) => f.payload.includes(p)))?.at ?? 0;

const meta = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

async function postIncident(body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await fetch(`${env.baseUrl}/api/v1/incidents`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as { id: string };
}

/** The owner's page session, as the mailed link would open it. */
async function ownerCookie(ownerId: string): Promise<string> {
  const link = await env.ctx.database.db.transaction((tx) => issueOwnerLink(tx, env.ctx.box, ownerId, env.baseUrl, 60, new Date()));
  const opened = await fetch(`${env.baseUrl}/api/v1/owner/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link.token }) });
  expect(opened.status).toBe(200);
  return opened.headers.get('set-cookie')!.split(';')[0]!;
}

/** The floor map object, as the page hangs it on its element (an expression evaluated in the page). */
const MAP = `document.querySelector('[data-testid="floor-map"]').maplibre`;

/** Whether the map's incident source holds this incident. */
function onMap(page: Page, id: string): Promise<boolean> {
  return page.evaluate(`${MAP}.querySourceFeatures('incidents').some((f) => f.properties.id === ${JSON.stringify(id)})`) as Promise<boolean>;
}

/**
 * Watches, inside the page, for an incident (by its number) to be in the list and drawn on the map; the times are
 * the page's clock (the machine's, as Date.now() here), taken when the DOM changed and when a map frame holding it
 * was drawn. Measured in the page because a busy page answers the test's own polling late.
 */
async function watchFor(page: Page, externalId: string): Promise<void> {
  await page.evaluate(`(() => {
    const ext = ${JSON.stringify(externalId)};
    const seen = (window.__seen = {});
    const now = () => performance.timeOrigin + performance.now();
    const inList = () => [...document.querySelectorAll('[role="option"] .incident-number')].some((e) => e.textContent === ext);
    const observer = new MutationObserver(() => {
      if (!seen.list && inList()) { seen.list = now(); observer.disconnect(); }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    const map = ${MAP};
    const onRender = () => {
      if (map.querySourceFeatures('incidents').some((f) => f.properties.ext === ext)) { seen.map = now(); map.off('render', onRender); }
    };
    map.on('render', onRender);
  })()`);
}

async function seen(page: Page): Promise<{ list?: number; map?: number }> {
  return (await page.evaluate('window.__seen')) as { list?: number; map?: number };
}

/** Resolves once the map has drawn everything it was given (a floor at rest). */
/** Waits until the page has made its map (after a navigation MapLibre loads first), then for it to be idle. */
async function mapIdle(page: Page): Promise<void> {
  await page.waitForFunction(`Boolean(${MAP})`);
  await page.evaluate(`new Promise((resolve) => { const map = ${MAP}; map.once('idle', resolve); map.triggerRepaint(); })`);
}

/** A demo-like city: incidents of the last day over the whole service area, of the feed's usual types. */
async function seedIncidents(count: number): Promise<void> {
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const types: [string, number][] = [
    ['THEFT/OTHER', 4],
    ['THEFT F/AUTO', 4],
    ['MOTOR VEHICLE THEFT', 3],
    ['BURGLARY', 3],
    ['ROBBERY', 2],
    ['ASSAULT W/DANGEROUS WEAPON', 1],
    ['DISORDERLY CONDUCT', 5],
  ];
  const [w, s, e, n] = env.ctx.serviceArea.bbox;
  const actor = { actorType: 'system' as const, actorName: 'test feed' };
  for (let i = 0; i < count; i++) {
    const [type, priority] = types[Math.floor(random() * random() * types.length)]!;
    await env.ctx.incidents.ingest(
      {
        source: 'seed',
        externalId: `S-${String(i).padStart(5, '0')}`,
        type,
        priority,
        occurredFrom: new Date(Date.now() - random() * 23 * 3_600_000).toISOString(),
        occurredTo: null,
        location: { lat: s + (n - s) * (0.05 + 0.9 * random()), lng: w + (e - w) * (0.05 + 0.9 * random()), accuracyM: 25 },
        address: null,
      },
      actor,
    );
  }
}

async function shoot(page: Page, name: string, settle?: () => Promise<void>) {
  fs.mkdirSync(SCREENS, { recursive: true });
  for (const viewport of [WIDE, LAPTOP]) {
    await page.setViewportSize(viewport);
    await page.waitForTimeout(600);
    await settle?.();
    await page.screenshot({ path: path.join(SCREENS, `${name}-${viewport.width}x${viewport.height}.png`) });
  }
  await page.setViewportSize(WIDE);
}

beforeAll(async () => {
  env = await startBrowserEnv({ WATCHFLOOR_QUIET_HOURS: '0-0' });
  const { agency } = await createStaff(env.ctx, 'olga', 'Olga Operator', { agency: 'Metropolitan Police Department' });
  await createStaff(env.ctx, 'sam', 'Sam Supervisor', { agency: 'Metropolitan Police Department', roles: ['supervisor'] });
  await createStaff(env.ctx, 'pia', 'Pia Operator', { agency: 'Metropolitan Police Department' });
  apiKey = (await env.ctx.staff.createApiKey({ agencyName: 'Metropolitan Police Department', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
  await env.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR);
  await seedVerifiedCameras(env.ctx, agency.id, 3_000);
  await seedIncidents(250);
  const paths = ((await (await fetch(`${env.baseUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> }).paths;
  live = env.app.hasRoute({ method: 'GET', url: '/api/v1/live' });
  alertsAvailable = '/api/v1/alerts' in paths && '/api/v1/alerts/{id}/ack' in paths;
  floor = await openPage(env, { viewport: WIDE, expected: EXPECTED_4XX });
}, 120_000);

afterAll(async () => {
  await env?.close();
});

// Signing in and loading 3,000 cameras and 250 incidents take a while on a busy machine; the times printed below are
// measured from the POST, not from the start of the test.
describe('the floor (browser)', { timeout: 120_000 }, () => {
  it('shows an incident posted by the feed on the map and in the list as it happens', async () => {
    const { page, problems } = floor;
    // When events reach the page, and when the list and the map show them.
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push({ at: Date.now(), payload: String(f.payload) })));
    await signInFirstTime(page, 'olga');
    await page.locator(`[data-connection="${live ? 'live' : 'polling'}"]`).waitFor();
    await page.getByRole('listbox', { name: 'Incidents' }).waitFor();
    await expect.poll(() => page.getByTestId('floor-map').getAttribute('data-incidents'), { timeout: 15_000 }).toBe('250');
    await mapIdle(page);

    // The floor at rest, three incidents from the feed, one after the other, each the newest; the robbery, last, is
    // the one worked on below.
    const feed = [
      { source: 'cad', externalId: 'I-2026-000121', type: 'THEFT/OTHER', priority: 4, occurredAt: new Date(Date.now() - 3 * 60_000).toISOString(), location: { lat: 38.93, lng: -77.05, accuracyM: 30 } },
      { source: 'cad', externalId: 'I-2026-000122', type: 'BURGLARY', priority: 3, occurredAt: new Date(Date.now() - 2 * 60_000).toISOString(), location: { lat: 38.86, lng: -76.99, accuracyM: 30 } },
      { source: 'cad', externalId: 'I-2026-000123', type: 'ROBBERY', priority: 1, occurredAt: new Date(Date.now() - 60_000).toISOString(), location: { ...SPOT, accuracyM: 15 } },
    ];
    for (const body of feed) {
      await mapIdle(page);
      await watchFor(page, body.externalId);
      const sent = Date.now();
      const { id } = await postIncident(body);
      const answered = Date.now();
      robberyId = id;
      await page.locator(`[role="option"][data-incident-id="${id}"]`).waitFor({ timeout: UPDATE_MS });
      await expect.poll(async () => (await seen(page)).map, { timeout: UPDATE_MS }).toBeDefined();
      const at = await seen(page);
      const framed = frameAt(sent, body.externalId);
      console.log(
        `floor: ${body.externalId}: POST answered after ${answered - sent} ms; event at the page ${framed ? framed - sent : '?'} ms, in the list ${Math.round(at.list! - sent)} ms, drawn on the map ${Math.round(at.map! - sent)} ms after the POST was sent (${live ? 'live' : 'polling'})`,
      );
      if (live) {
        // Live, the page does not poll: the incident came in a frame of the socket. (The frame's time is when the
        // test heard of it, which can be after the page drew it, so it is not compared with the page's times.)
        expect(framed).toBeGreaterThan(0);
      }
    }
    if (live) expect(await page.locator('[data-connection="live"]').count()).toBe(1);
    // Newest first: it heads the list.
    expect(await page.locator('[role="option"]').first().getAttribute('data-incident-id')).toBe(robberyId);
    if (alertsAvailable) await page.locator('.alert-item', { hasText: 'ROBBERY' }).first().waitFor({ timeout: UPDATE_MS });
    expect(problems).toEqual([]);
  });

  it('opens it from the keyboard, asks one camera, and shows the owner declining as it happens', async () => {
    const { page, problems } = floor;
    await page.locator('body').press('j');
    const list = page.getByRole('listbox', { name: 'Incidents' });
    expect(await list.getAttribute('aria-activedescendant')).toBe(`incident-row-${robberyId}`);
    await page.locator('body').press('Enter');
    const panel = page.getByRole('region', { name: 'ROBBERY' });
    await panel.waitFor();
    expect(page.url()).toContain(`incident=${robberyId}`);
    const cameras = panel.locator('.ranked-camera');
    await expect.poll(() => cameras.count()).toBe(3);
    expect(await panel.getByText('I-2026-000123', { exact: false }).count()).toBeGreaterThan(0);
    // The reason is prefilled from the incident and can be edited.
    const reason = panel.getByLabel('Reason the owner reads');
    expect(await reason.inputValue()).toContain('robbery');
    await reason.fill('A robbery happened at the corner in front of your camera; footage from 19:20 to 19:50 would help.');

    const first = cameras.first();
    const firstId = (await first.getAttribute('data-camera-id'))!;
    const asked = page.waitForResponse((r) => r.url().endsWith(`/api/v1/incidents/${robberyId}/requests`) && r.request().method() === 'POST');
    await first.getByRole('button', { name: 'Request footage from camera 1' }).click();
    const { outcomes } = (await (await asked).json()) as { outcomes: { ownerId: string; requestId: string; outcome: string }[] };
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]!.outcome).toBe('requested');
    await panel.getByText('Camera 1: 1 owner asked.').waitFor();
    await expect.poll(() => panel.locator(`[data-camera-id="${firstId}"]`).getAttribute('data-state')).toMatch(/queued|sent/);
    // The map draws the incident's cameras by request state.
    await expect.poll(() => page.evaluate(`${MAP}.querySourceFeatures('incident-cameras').filter((f) => f.properties.state && f.properties.state !== 'none').length`))
      .toBeGreaterThan(0);

    await env.ctx.requests.housekeeping();
    await expect.poll(() => panel.locator(`[data-camera-id="${firstId}"]`).getAttribute('data-state'), { timeout: UPDATE_MS }).toBe('sent');

    const cookie = await ownerCookie(outcomes[0]!.ownerId);
    const at = Date.now();
    const declined = await fetch(`${env.baseUrl}/api/v1/owner/requests/${outcomes[0]!.requestId}/decline`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'The recording was already overwritten.' }) });
    expect(declined.status).toBe(200);
    await expect.poll(() => panel.locator(`[data-camera-id="${firstId}"]`).getAttribute('data-state'), { timeout: UPDATE_MS, interval: 50 }).toBe('declined');
    console.log(`floor: the owner's decline showed after ${Date.now() - at} ms`);
    if (live) {
      // It came over the socket (live, the page does not poll), and the floor stayed live.
      expect(frameAt(at, outcomes[0]!.requestId, 'declined')).toBeGreaterThan(0);
      expect(await page.locator('[data-connection="live"]').count()).toBe(1);
    }
    await panel.getByText('“The recording was already overwritten.”', { exact: false }).waitFor();
    expect(problems).toEqual([]);
  });

  it('plays footage an owner uploaded, with its SHA-256 and chain of custody', async () => {
    const { page, problems } = floor;
    const panel = page.getByRole('region', { name: 'ROBBERY' });
    const second = panel.locator('.ranked-camera').nth(1);
    const asked = page.waitForResponse((r) => r.url().endsWith(`/api/v1/incidents/${robberyId}/requests`) && r.request().method() === 'POST');
    await second.getByRole('button', { name: 'Request footage from camera 2' }).click();
    const { outcomes } = (await (await asked).json()) as { outcomes: { ownerId: string; requestId: string }[] };
    await env.ctx.requests.housekeeping();

    // The owner uploads a clip through the resumable upload, in two pieces.
    const clip = fs.readFileSync(makeClip('porch.avi', { seconds: 4 }));
    const sha = crypto.createHash('sha256').update(clip).digest('hex');
    const cookie = await ownerCookie(outcomes[0]!.ownerId);
    const created = await fetch(`${env.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: { 'tus-resumable': '1.0.0', 'upload-length': String(clip.length), 'upload-metadata': meta({ requestId: outcomes[0]!.requestId, filename: 'porch.avi', filetype: 'video/x-msvideo' }), cookie },
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    const half = Math.floor(clip.length / 2);
    for (const [offset, part] of [
      [0, clip.subarray(0, half)],
      [half, clip.subarray(half)],
    ] as const) {
      const res = await fetch(`${env.baseUrl}${location}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', cookie }, body: part });
      expect(res.status).toBe(204);
    }
    await env.ctx.evidence.settle();

    const play = panel.getByRole('button', { name: 'Play porch.avi' });
    await play.waitFor({ timeout: UPDATE_MS });
    await expect.poll(() => play.textContent(), { timeout: UPDATE_MS }).toBe('Play');
    await play.click();
    const player = panel.getByRole('region', { name: 'porch.avi' });
    await player.waitFor();
    expect(await player.getByTestId('evidence-sha256').textContent()).toBe(sha);
    expect(await player.textContent()).toContain('Chain of custody');
    expect(await player.locator('.custody-action').allTextContents()).toEqual(expect.arrayContaining(['Received', 'Hashed', 'Playable copy made']));
    // The clip is shorter than the window asked for: the coverage warning says so.
    expect(await player.locator('.message-warning').textContent()).toMatch(/shorter than/);

    const viewed = page.waitForResponse((r) => r.url().includes('/play?purpose=') && r.status() < 300);
    await page.evaluate(`(() => { const v = document.querySelector('video[data-evidence-id]'); v.muted = true; return v.play(); })()`);
    await viewed;
    await expect.poll(() => page.evaluate(`document.querySelector('video[data-evidence-id]').currentTime`) as Promise<number>, { timeout: UPDATE_MS }).toBeGreaterThan(0);
    await player.locator('.custody-action', { hasText: 'Viewed' }).first().waitFor({ timeout: UPDATE_MS });
    expect(await player.textContent()).toContain('Floor review of incident I-2026-000123');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('takes a note, and the timeline tells the whole story', async (ctx) => {
    const { page, problems } = floor;
    const panel = page.getByRole('region', { name: 'ROBBERY' });
    const timeline = panel.locator('.timeline');
    if (!(await panel.getByLabel('Add a note').count())) ctx.skip(true, 'the server has no notes yet');
    await panel.getByLabel('Add a note').fill('Suspect fled north on 14th St.\nWearing a red jacket.');
    await panel.getByRole('button', { name: 'Add note' }).click();
    await panel.locator('.notes .note-text', { hasText: 'Suspect fled north on 14th St.' }).first().waitFor();
    expect(await panel.getByLabel('Add a note').inputValue()).toBe('');
    // Through the timeline, once: the note's own event reloads it.
    await expect.poll(() => timeline.locator('.timeline-kind', { hasText: 'Note' }).count(), { timeout: UPDATE_MS }).toBe(1);
    await expect.poll(() => panel.locator('.notes li').count()).toBe(1);
    const kinds = await timeline.locator('.timeline-kind').allTextContents();
    for (const kind of ['Created', 'Matched', 'Request', 'Evidence', 'Note']) expect(kinds).toContain(kind);
    expect(problems).toEqual([]);
  });

  it('asks every remaining camera with r after a confirmation, and closes the incident', async () => {
    const { page, problems } = floor;
    const panel = page.getByRole('region', { name: 'ROBBERY' });
    await page.locator('body').press('r');
    const dialog = page.getByRole('dialog', { name: 'Request footage from all cameras?' });
    await dialog.waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    const asked = page.waitForResponse((r) => r.url().endsWith(`/api/v1/incidents/${robberyId}/requests`) && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Ask 1 camera' }).click();
    const body = (await asked).request().postDataJSON() as { cameraIds: string[] };
    expect(body.cameraIds).toHaveLength(1);
    await panel.getByText(/Requested from all: 1 owner asked/).waitFor();
    await expect.poll(() => panel.locator('.ranked-camera[data-state="none"]').count()).toBe(0);

    await panel.getByRole('button', { name: 'Close incident…' }).click();
    const close = page.getByRole('dialog', { name: 'Close incident I-2026-000123?' });
    await close.getByRole('button', { name: 'Close incident' }).click();
    await panel.locator('.tag', { hasText: 'Closed' }).waitFor();
    // The view shows open incidents: the closed one leaves the list and the map.
    await expect.poll(() => page.locator(`[role="option"][data-incident-id="${robberyId}"]`).count()).toBe(0);
    await expect.poll(() => onMap(page, robberyId!)).toBe(false);
    expect(problems).toEqual([]);
  });

  it('keeps the view in the address: filters, the open incident and the map survive a reload', async () => {
    const { page, problems } = floor;
    await page.locator('body').press('Escape');
    await expect.poll(() => page.getByRole('region', { name: 'ROBBERY' }).count()).toBe(0);
    expect(page.url()).not.toContain('incident=');

    await page.getByLabel('Priority', { exact: true }).selectOption('2');
    await page.getByLabel('Status', { exact: true }).selectOption('all');
    await expect.poll(() => page.url()).toContain('maxp=2');
    expect(page.url()).toContain('status=all');
    const rows = page.locator('[role="option"]');
    await expect.poll(async () => (await rows.locator('.priority').allTextContents()).every((p) => p === 'P1' || p === 'P2')).toBe(true);

    // / goes to the search box; typing there is text, not shortcuts.
    await page.locator('body').press('/');
    const search = page.getByLabel('Search incidents by number, type or address');
    expect(await page.evaluate(`document.activeElement === document.querySelector('input[type="search"]')`)).toBe(true);
    await search.pressSequentially('I-2026-000123');
    await expect.poll(() => page.url()).toContain('q=I-2026-000123');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByRole('region', { name: 'ROBBERY' }).count()).toBe(0);

    const shared = `/?q=I-2026-000123&maxp=2&status=all&incident=${robberyId}&map=38.90003,-77.02998,16.50`;
    await page.goto(shared);
    await page.getByRole('region', { name: 'ROBBERY' }).waitFor();
    expect(await page.getByLabel('Priority', { exact: true }).inputValue()).toBe('2');
    expect(await search.inputValue()).toBe('I-2026-000123');
    await expect.poll(() => rows.count()).toBe(1);
    await page.waitForFunction(`Boolean(${MAP})`);
    const centre = (await page.evaluate(`(() => { const map = ${MAP}; return { ...map.getCenter(), zoom: map.getZoom() }; })()`)) as { lat: number; lng: number; zoom: number };
    expect(centre.lat).toBeCloseTo(38.90003, 4);
    expect(centre.lng).toBeCloseTo(-77.02998, 4);
    expect(centre.zoom).toBeCloseTo(16.5, 1);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => page.url()).not.toContain('maxp=');
    expect(problems).toEqual([]);
  });

  it('acknowledges the highlighted alert with a, and counts alerts in the top bar', async (ctx) => {
    if (!alertsAvailable) ctx.skip(true, 'the server has no alert routes yet');
    const { page, problems } = floor;
    await page.goto('/');
    await postIncident({ source: 'cad', externalId: 'I-2026-000200', type: 'HOMICIDE', priority: 1, occurredAt: new Date(Date.now() - 5 * 60_000).toISOString(), location: { lat: 38.91, lng: -77.01, accuracyM: 20 } });
    const alert = page.locator('.alert-item', { hasText: 'HOMICIDE' }).first();
    await alert.waitFor({ timeout: UPDATE_MS });
    const counts = page.getByRole('group', { name: 'Alert counts' });
    const before = Number(await counts.locator('.count-number').first().textContent());
    expect(before).toBeGreaterThan(0);
    await alert.click();
    await page.locator('body').press('a');
    await alert.getByText(/acknowledged by Olga Operator/).waitFor();

    // Assigned to oneself, it counts as mine; "mine" narrows the queue to it.
    const mine = async () => Number(await counts.locator('.count-number').nth(1).textContent());
    const mineBefore = await mine();
    await alert.getByLabel(/Assign or snooze/).selectOption({ label: 'Olga Operator' });
    await alert.getByText('Assigned to Olga Operator').waitFor();
    await expect.poll(mine).toBe(mineBefore + 1);
    await counts.getByRole('button', { name: /mine/ }).click();
    await expect.poll(() => page.locator('.alert-item').count()).toBe(mineBefore + 1);
    expect(await page.getByLabel('Mine only').isChecked()).toBe(true);

    // Snoozed, it leaves the open queue (until its time comes).
    await alert.getByLabel(/Assign or snooze/).selectOption({ label: '15 min' });
    await expect.poll(() => page.locator('.alert-item', { hasText: 'HOMICIDE' }).count()).toBe(0);
    await counts.getByRole('button', { name: /open alert/ }).click();
    expect(await page.locator('.alert-item', { hasText: 'HOMICIDE' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('polls when the live feed cannot be reached, and still shows what happens', async () => {
    const fallback = await openPage(env, { viewport: LAPTOP, expected: EXPECTED_4XX });
    const { page, problems } = fallback;
    // A proxy that refuses WebSockets: every attempt is closed before the server's greeting.
    await page.routeWebSocket(/\/api\/v1\/live/, (ws) => ws.close({ code: 4000, reason: 'refused on the way' }));
    await signInFirstTime(page, 'pia');
    await page.locator('[data-connection="polling"]').waitFor();
    expect(await page.locator('[data-connection]').textContent()).toContain('Polling');
    await page.getByRole('listbox', { name: 'Incidents' }).waitFor();
    const { id } = await postIncident({ source: 'cad', externalId: 'I-2026-000300', type: 'BURGLARY', priority: 3, occurredAt: new Date().toISOString(), location: { lat: 38.95, lng: -77.0, accuracyM: 20 } });
    const posted = Date.now();
    await page.locator(`[role="option"][data-incident-id="${id}"]`).waitFor({ timeout: UPDATE_MS });
    console.log(`floor: polling, the incident was in the list after ${Date.now() - posted} ms`);
    await expect.poll(() => onMap(page, id), { timeout: UPDATE_MS }).toBe(true);
    expect(problems).toEqual([]);
    await fallback.context.close();
  });

  it('lists the shortcuts, passes axe, and looks right on a wall display and a laptop with a living floor', async () => {
    const { page, problems } = floor;
    await page.goto(`/?incident=${robberyId!}&status=all`);
    const panel = page.getByRole('region', { name: 'ROBBERY' });
    await panel.waitFor();
    await panel.getByRole('button', { name: 'Play porch.avi' }).waitFor();
    await expect.poll(() => page.getByTestId('floor-map').getAttribute('data-incidents')).not.toBe(null);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'floor-incident');

    await page.locator('body').press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    expect(await sheet.textContent()).toContain('Acknowledge the highlighted alert');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'floor-shortcuts');
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.isVisible()).toBe(false);

    await page.locator('body').press('Escape');
    await page.locator('body').press('j');
    await page.locator('body').press('j');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shoot(page, 'floor');
    expect(problems).toEqual([]);
  });
});

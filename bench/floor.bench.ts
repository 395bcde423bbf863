// The floor in headless Chromium with a city's load: --cameras verified cameras (default 30,000) and --incidents open
// incidents of the last day (default 5,000). Per viewport (1920×1080, 1366×768), printed side by side:
//   - from navigation to the first map frame, to the cameras drawn, to every incident drawn, to the list ready;
//   - frame times while panning: requestAnimationFrame deltas during scripted mouse drags at city zoom (clusters)
//     and at street zoom (each camera with its field of view), p50 / p95 / max; and, for reference, the same drags
//     over the base map with the floor's layers hidden (the renderer's own cost on this machine).
// The page's own map object is read through its element (web/src/floor/FloorMap.tsx). Headless Chromium here has
// no GPU: WebGL runs in software (SwiftShader), so frame times are an upper bound for a wall display's.
// Needs `npm run build:web` first. Flags: --cameras N --incidents N --seconds S (per drag phase)
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { createStaff, LAPTOP, openPage, seedVerifiedCameras, signInFirstTime, startBrowserEnv, WIDE } from '../test/browser/support.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const CAMERAS = flag('cameras', 30_000);
const INCIDENTS = flag('incidents', 5_000);
const SECONDS = flag('seconds', 5);
const MAP = `document.querySelector('[data-testid="floor-map"]').maplibre`;

const env = await startBrowserEnv({ LOG_LEVEL: 'silent' });

/** Incidents of the last day, straight into the database (the intake path is not what is measured here). */
async function seedIncidents(count: number, agencyId: string): Promise<void> {
  let seed = 11;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const types = ['THEFT/OTHER', 'THEFT F/AUTO', 'MOTOR VEHICLE THEFT', 'BURGLARY', 'ROBBERY', 'ASSAULT W/DANGEROUS WEAPON', 'DISORDERLY CONDUCT'];
  const [w, s, e, n] = env.ctx.serviceArea.bbox;
  const col = { ext: [] as string[], type: [] as string[], priority: [] as number[], at: [] as string[], lat: [] as number[], lng: [] as number[] };
  for (let i = 0; i < count; i++) {
    const t = Math.floor(random() * random() * types.length);
    col.ext.push(`B-${i}`);
    col.type.push(types[t]!);
    col.priority.push(Math.max(1, 5 - t));
    col.at.push(new Date(Date.now() - random() * 23 * 3_600_000).toISOString());
    col.lat.push(s + (n - s) * (0.02 + 0.96 * random()));
    col.lng.push(w + (e - w) * (0.02 + 0.96 * random()));
  }
  const array = (values: readonly (number | string)[]) => `{${values.map((v) => (typeof v === 'string' ? `"${v}"` : v)).join(',')}}`;
  await env.ctx.database.db.execute(sql`
    insert into incidents (source, external_id, type, priority, occurred_from, lat, lng, accuracy_m, agency_id)
    select 'bench', ext, type, priority, at, lat, lng, 25, ${agencyId}::uuid
    from unnest(${array(col.ext)}::text[], ${array(col.type)}::text[], ${array(col.priority)}::int[], ${array(col.at)}::timestamptz[],
                ${array(col.lat)}::float8[], ${array(col.lng)}::float8[]) as t(ext, type, priority, at, lat, lng)`);
}

interface LoadTimes {
  firstFrame: number;
  cameras: number;
  incidents: number;
  list: number;
}

/** On every load of the page: times, from navigation start, what a person sees arrive. */
async function installLoadProbe(page: Page): Promise<void> {
  await page.addInitScript(`(() => {
    const t = (window.__load = {});
    const poll = () => {
      const el = document.querySelector('[data-testid="floor-map"]');
      const map = el && el.maplibre;
      if (!t.list && document.querySelector('[role="option"]')) t.list = performance.now();
      if (!map) return requestAnimationFrame(poll);
      if (!t.hooked) {
        t.hooked = true;
        const onRender = () => {
          t.firstFrame ??= performance.now();
          if (!t.cameras && map.querySourceFeatures('cameras').length > 0) t.cameras = performance.now();
          if (!t.incidents && Number(el.dataset.incidents) >= ${INCIDENTS} && map.querySourceFeatures('incidents').length > 0) t.incidents = performance.now();
          if (t.cameras && t.incidents) map.off('render', onRender);
        };
        map.on('render', onRender);
        map.triggerRepaint();
      }
      if (!t.list) requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  })()`);
}

/** Loads the floor afresh. */
async function load(page: Page): Promise<LoadTimes> {
  await page.goto('/');
  // Polled from here: the page's CSP allows no string evaluation inside it.
  const deadline = Date.now() + 180_000;
  while (!(await page.evaluate('!!(window.__load && window.__load.cameras && window.__load.incidents && window.__load.list)'))) {
    if (Date.now() > deadline) throw new Error(`the floor did not finish loading: ${JSON.stringify(await page.evaluate('window.__load'))}`);
    await page.waitForTimeout(250);
  }
  const t = (await page.evaluate('window.__load')) as LoadTimes;
  return { firstFrame: t.firstFrame, cameras: t.cameras, incidents: t.incidents, list: t.list };
}

interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Drags the map back and forth with the mouse for `seconds`, recording every requestAnimationFrame delta meanwhile. */
async function pan(page: Page, seconds: number): Promise<FrameStats> {
  const box = (await page.getByTestId('floor-map').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.evaluate(`new Promise((resolve) => { const m = ${MAP}; m.once('idle', resolve); m.triggerRepaint(); })`);
  await page.evaluate(`(() => {
    const deltas = (window.__frames = []);
    let last = performance.now();
    window.__recording = true;
    const tick = (now) => { deltas.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const until = Date.now() + seconds * 1000;
  let direction = 1;
  while (Date.now() < until) {
    await page.mouse.move(cx - direction * 200, cy - 60);
    await page.mouse.down();
    await page.mouse.move(cx + direction * 200, cy + 60, { steps: 40 });
    await page.mouse.up();
    direction = -direction;
  }
  await page.evaluate('window.__recording = false');
  const deltas = ((await page.evaluate('window.__frames')) as number[]).slice(1).sort((a, b) => a - b);
  return { frames: deltas.length, p50: quantile(deltas, 0.5), p95: quantile(deltas, 0.95), max: deltas.at(-1) ?? NaN };
}

const started = Date.now();
const { agency } = await createStaff(env.ctx, 'bench', 'Bench Operator');
await seedVerifiedCameras(env.ctx, agency.id, CAMERAS);
await seedIncidents(INCIDENTS, agency.id);
console.log(`seeded ${CAMERAS.toLocaleString('en-US')} cameras and ${INCIDENTS.toLocaleString('en-US')} incidents in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const results: { viewport: string; load: LoadTimes; city: FrameStats; base: FrameStats; street: FrameStats }[] = [];
const { context, page } = await openPage(env, { viewport: WIDE });
await signInFirstTime(page, 'bench');
await installLoadProbe(page);
for (const viewport of [WIDE, LAPTOP]) {
  await page.setViewportSize(viewport);
  const times = await load(page);
  const city = await pan(page, SECONDS);
  // The same drags over the base map alone (the floor's layers hidden): what the renderer costs by itself.
  const BASE = ['background', 'service-area-fill', 'grid-minor', 'grid-major', 'service-area-outline'];
  const hide = (visibility: string) => page.evaluate(`(() => { const m = ${MAP}; for (const l of m.getStyle().layers) if (!${JSON.stringify(BASE)}.includes(l.id)) m.setLayoutProperty(l.id, 'visibility', '${visibility}'); })()`);
  await hide('none');
  const base = await pan(page, SECONDS);
  await hide('visible');
  // Street zoom over the densest part of the city: the view's cameras with their fields of view.
  const dense = (await page.evaluate(`(() => {
    const m = ${MAP};
    const clusters = m.querySourceFeatures('cameras').filter((f) => f.properties.cluster).sort((a, b) => b.properties.point_count - a.properties.point_count);
    return clusters[0] ? clusters[0].geometry.coordinates : [m.getCenter().lng, m.getCenter().lat];
  })()`)) as [number, number];
  await page.evaluate(`${MAP}.jumpTo({ center: ${JSON.stringify(dense)}, zoom: 16.5 })`);
  const wedges = (await page.evaluate(`new Promise((resolve) => { const m = ${MAP}; m.once('idle', () => resolve(m.querySourceFeatures('camera-wedges').length)); m.triggerRepaint(); })`)) as number;
  const street = await pan(page, SECONDS);
  console.log(`${viewport.width}×${viewport.height}: done (${wedges} wedges in the street view)`);
  results.push({ viewport: `${viewport.width}×${viewport.height}`, load: times, city, base, street });
}
await context.close();
await env.close();

const ms = (v: number) => `${Math.round(v).toLocaleString('en-US')} ms`;
const frames = (f: FrameStats) => `${ms(f.p50)} / ${ms(f.p95)} / ${ms(f.max)} (${f.frames} frames)`;
const rows: [string, (r: (typeof results)[number]) => string][] = [
  ['first map frame', (r) => ms(r.load.firstFrame)],
  [`cameras drawn (${CAMERAS.toLocaleString('en-US')})`, (r) => ms(r.load.cameras)],
  [`incidents drawn (${INCIDENTS.toLocaleString('en-US')})`, (r) => ms(r.load.incidents)],
  ['incident list ready', (r) => ms(r.load.list)],
  ['pan, city zoom: p50 / p95 / max', (r) => frames(r.city)],
  ['pan, street zoom: p50 / p95 / max', (r) => frames(r.street)],
  ['pan, base map alone (reference)', (r) => frames(r.base)],
];
const width = Math.max(...rows.map(([label]) => label.length));
console.log(`\nfloor: ${CAMERAS.toLocaleString('en-US')} cameras, ${INCIDENTS.toLocaleString('en-US')} incidents; headless Chromium, software WebGL; times from navigation start`);
console.log(`${''.padEnd(width)}  ${results.map((r) => r.viewport.padEnd(36)).join('  ')}`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${results.map((r) => value(r).padEnd(36)).join('  ')}`);

// The in-process camera index against the same radius query in SQL, side by side in one run.
//   npx tsx bench/index.bench.ts [--cameras 1000000] [--queries 2000] [--sql-sample 500] [--skip-postgres]
//                                [--skip-pglite] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
// Every incident is timed on our index and on PostGIS ST_DWithin (the agreement check needs them all); the slower
// SQL variants are timed on the first --sql-sample incidents to keep the run within minutes.
// Creates and drops its own PostgreSQL database (wf_bench_index). Not run in CI.

import { PGlite } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { CameraIndex, type CameraForIndex } from '../src/geo/camera-index.js';
import { BOUNDARY_TOLERANCE_M, matchCameraToArea, type IncidentArea } from '../src/geo/fov.js';
import type { CameraTier } from '../src/geo/ranking.js';
import { EARTH_RADIUS_M, distanceM } from '../src/geo/sphere.js';

const { values: argv } = parseArgs({
  options: {
    cameras: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '2000' },
    'sql-sample': { type: 'string', default: '500' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'skip-postgres': { type: 'boolean', default: false },
    'skip-pglite': { type: 'boolean', default: false },
  },
});
const CAMERAS = Number(argv.cameras);
const QUERIES = Number(argv.queries);
const SQL_SAMPLE = Math.min(QUERIES, Number(argv['sql-sample']));
const SEARCH_RADIUS_M = 250;
const ACCURACY_M = 30;
const BOUNDARY_CASE_M = 0.5;
const BENCH_DB = 'wf_bench_index';
const BOX = { minLat: 38.79, maxLat: 38.996, minLng: -77.12, maxLng: -76.909 };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

// ---------------------------------------------------------------- synthetic city
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const rnd = mulberry32(20_260_115);
const between = (lo: number, hi: number) => lo + rnd() * (hi - lo);
const gaussian = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());

// Rough lines of a few busy DC streets (Georgia Ave, 16th St, K St, Pennsylvania Ave SE, Benning Rd, MLK Ave, Connecticut Ave).
const CORRIDORS: [number, number, number, number][] = [
  [38.985, -77.027, 38.915, -77.022],
  [38.99, -77.036, 38.9, -77.036],
  [38.902, -77.06, 38.9, -76.98],
  [38.886, -77.0, 38.865, -76.955],
  [38.9, -76.99, 38.89, -76.93],
  [38.87, -76.99, 38.83, -77.0],
  [38.91, -77.043, 38.97, -77.075],
];
const M_PER_DEG_LAT = (EARTH_RADIUS_M * Math.PI) / 180;

/** 70 % spread over the box, 30 % within a couple of hundred metres of a corridor. */
function randomPoint(): { lat: number; lng: number } {
  if (rnd() < 0.7) return { lat: between(BOX.minLat, BOX.maxLat), lng: between(BOX.minLng, BOX.maxLng) };
  const [lat1, lng1, lat2, lng2] = CORRIDORS[Math.floor(rnd() * CORRIDORS.length)]!;
  const t = rnd();
  const lat = lat1 + (lat2 - lat1) * t + (gaussian() * 120) / M_PER_DEG_LAT;
  const lng = lng1 + (lng2 - lng1) * t + (gaussian() * 120) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
  return { lat: Math.min(BOX.maxLat, Math.max(BOX.minLat, lat)), lng: Math.min(BOX.maxLng, Math.max(BOX.minLng, lng)) };
}

const hex = (n: number) => Math.floor(rnd() * 16 ** n).toString(16).padStart(n, '0');
// join() yields a flat string, as ids read from a database are; a template literal would leave a rope that the
// index's first hash of it has to flatten, charging the bench's string building to the build time.
const uuid = () => [hex(8), hex(4), `4${hex(3)}`, `a${hex(3)}`, hex(6) + hex(6)].join('-');

interface BenchCamera extends CameraForIndex {
  readonly id: string;
}

function randomCamera(): BenchCamera {
  const { lat, lng } = randomPoint();
  const bearingDeg = Math.floor(rnd() * 3600) / 10;
  const k = rnd();
  // Doorbells, fixed, domes, PTZ/fisheye, city CCTV; integrated cameras are businesses' fixed and dome cameras.
  if (k < 0.45) return { id: uuid(), lat, lng, bearingDeg, fovDeg: between(100, 160), rangeM: between(8, 20), tier: 'registered' };
  if (k < 0.7) return { id: uuid(), lat, lng, bearingDeg, fovDeg: between(60, 110), rangeM: between(20, 60), tier: rnd() < 0.4 ? 'integrated' : 'registered' };
  if (k < 0.85) return { id: uuid(), lat, lng, bearingDeg, fovDeg: between(80, 120), rangeM: between(15, 40), tier: rnd() < 0.4 ? 'integrated' : 'registered' };
  if (k < 0.95) return { id: uuid(), lat, lng, bearingDeg, fovDeg: 360, rangeM: between(30, 120), tier: 'registered' };
  return { id: uuid(), lat, lng, bearingDeg, fovDeg: rnd() < 0.5 ? 360 : between(60, 90), rangeM: between(80, 250), tier: 'city' };
}

// ---------------------------------------------------------------- measuring
const heapBytes = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface QueryRun {
  readonly label: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly answers: string[][];
  readonly rowsPerQuery: number;
  readonly perQuery: { ms: number; rows: number }[];
}

async function timeQueries(label: string, incidents: readonly IncidentArea[], run: (a: IncidentArea) => Promise<{ ids: string[]; rows: number }> | { ids: string[]; rows: number }): Promise<QueryRun> {
  for (let i = 0; i < Math.min(200, incidents.length); i++) await run(incidents[i]!); // warm caches and the JIT
  // Settle the garbage of data generation and loading first, so that its collection is not charged to queries.
  gc();
  const times = new Float64Array(incidents.length);
  const answers: string[][] = [];
  const perQuery: { ms: number; rows: number }[] = [];
  for (let i = 0; i < incidents.length; i++) {
    const t0 = performance.now();
    const r = await run(incidents[i]!);
    times[i] = performance.now() - t0;
    answers.push(r.ids);
    perQuery.push({ ms: times[i]!, rows: r.rows });
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const rowsPerQuery = perQuery.reduce((a, q) => a + q.rows, 0) / incidents.length;
  times.sort();
  return { label: `${label} [${incidents.length} q]`, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), meanMs: mean, answers, rowsPerQuery, perQuery };
}

type Row = [string, number, number, number, number, number, string];
const rowToCamera = (r: Row): BenchCamera => ({ id: r[0], lat: r[1], lng: r[2], bearingDeg: r[3], fovDeg: r[4], rangeM: r[5], tier: r[6] as CameraTier });

/** The same exact wedge test our index applies, run over SQL's radius candidates. */
function wedgeFilter(rows: readonly Row[], area: IncidentArea): string[] {
  const ids: string[] = [];
  for (const r of rows) if (matchCameraToArea(rowToCamera(r), area, SEARCH_RADIUS_M)) ids.push(r[0]);
  return ids;
}

const COLUMNS = 'id, lat, lng, bearing_deg, fov_deg, range_m, tier';
const CREATE_TABLE = `CREATE TABLE bench_cameras (id text PRIMARY KEY, lat float8 NOT NULL, lng float8 NOT NULL, bearing_deg float8 NOT NULL,
  fov_deg float8 NOT NULL, range_m float8 NOT NULL, tier text NOT NULL)`;
const UNNEST = `unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::text[]) AS t(${COLUMNS})`;

/** Multi-row inserts through unnest, 50,000 rows a statement; `extra` adds computed columns. */
async function insertCameras(query: (text: string, params: unknown[]) => Promise<unknown>, cameras: readonly BenchCamera[], extra = { columns: '', values: '' }): Promise<void> {
  const text = `INSERT INTO bench_cameras (${COLUMNS}${extra.columns}) SELECT t.*${extra.values} FROM ${UNNEST}`;
  for (let i = 0; i < cameras.length; i += 50_000) {
    const b = cameras.slice(i, i + 50_000);
    await query(text, [b.map((c) => c.id), b.map((c) => c.lat), b.map((c) => c.lng), b.map((c) => c.bearingDeg), b.map((c) => c.fovDeg), b.map((c) => c.rangeM), b.map((c) => c.tier)]);
  }
}

const EARTH_QUERY = `SELECT ${COLUMNS} FROM bench_cameras
  WHERE earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(lat, lng) AND earth_distance(ll_to_earth($1, $2), ll_to_earth(lat, lng)) <= $3`;

async function setUpPostgres(): Promise<{ db: pg.Client; admin: pg.Client; ms: number }> {
  const t0 = performance.now();
  const admin = new pg.Client({ connectionString: argv.postgres });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB}`);
  await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  const url = new URL(argv.postgres);
  url.pathname = `/${BENCH_DB}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  await db.query(`SET maintenance_work_mem = '1GB'`);
  await db.query('CREATE EXTENSION postgis; CREATE EXTENSION cube; CREATE EXTENSION earthdistance');
  await db.query(CREATE_TABLE);
  await db.query('ALTER TABLE bench_cameras ADD COLUMN geog geography(Point, 4326) NOT NULL');
  await insertCameras((t, p) => db.query(t, p), cameras, { columns: ', geog', values: ', ST_SetSRID(ST_MakePoint(t.lng, t.lat), 4326)::geography' });
  await db.query('CREATE INDEX ON bench_cameras USING gist (geog)');
  await db.query('CREATE INDEX ON bench_cameras USING gist (ll_to_earth(lat, lng))');
  await db.query('VACUUM ANALYZE bench_cameras');
  return { db, admin, ms: performance.now() - t0 };
}

async function setUpPglite(): Promise<{ lite: PGlite; ms: number }> {
  const t0 = performance.now();
  const lite = await PGlite.create({ extensions: { cube, earthdistance } });
  await lite.exec('CREATE EXTENSION cube; CREATE EXTENSION earthdistance');
  await lite.exec(CREATE_TABLE);
  await insertCameras((t, p) => lite.query(t, p), cameras);
  await lite.exec('CREATE INDEX ON bench_cameras USING gist (ll_to_earth(lat, lng))');
  await lite.exec('VACUUM ANALYZE bench_cameras');
  return { lite, ms: performance.now() - t0 };
}

/** Select every camera row and build the index from it: what the server does at start-up. */
async function loadIndex(select: () => Promise<BenchCamera[]>): Promise<{ ms: number; selectMs: number; index: CameraIndex<BenchCamera> }> {
  gc();
  const t0 = performance.now();
  const cams = await select();
  const selectMs = performance.now() - t0;
  const index = CameraIndex.build(cams);
  const ms = performance.now() - t0;
  if (index.size !== CAMERAS) throw new Error(`loaded ${index.size} cameras, expected ${CAMERAS}`);
  return { ms, selectMs, index };
}

/**
 * One row for the whole table: ids joined by newlines, the five numbers of every camera as big-endian float8 in
 * one bytea, tiers as one letter each. Every driver then parses three values instead of seven million, which is
 * where a plain SELECT spends its time. All aggregates of one query see the rows in the same order.
 */
const PACKED_SELECT = `SELECT string_agg(id, E'\\n') AS ids,
  string_agg(float8send(lat) || float8send(lng) || float8send(bearing_deg) || float8send(fov_deg) || float8send(range_m), ''::bytea) AS nums,
  string_agg(left(tier, 1), '') AS tiers
  FROM bench_cameras`;
const TIER_BY_LETTER: Record<string, CameraTier> = { r: 'registered', i: 'integrated', c: 'city' };

/** Reads `COPY (id, lat, lng, bearing_deg, fov_deg, range_m, tier) TO … WITH (FORMAT binary)` output. */
function camerasFromBinaryCopy(bytes: Uint8Array): BenchCamera[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 11 + 4; // signature, flags
  o += 4 + buf.readInt32BE(o); // header extension
  const out: BenchCamera[] = [];
  for (;;) {
    if (buf.readInt16BE(o) === -1) break; // trailer
    o += 2;
    const idLen = buf.readInt32BE(o);
    const id = buf.toString('utf8', o + 4, o + 4 + idLen);
    o += 4 + idLen;
    // Five float8 fields, each an int32 length (8) then the value.
    const lat = buf.readDoubleBE(o + 4);
    const lng = buf.readDoubleBE(o + 16);
    const bearingDeg = buf.readDoubleBE(o + 28);
    const fovDeg = buf.readDoubleBE(o + 40);
    const rangeM = buf.readDoubleBE(o + 52);
    o += 60;
    const tierLen = buf.readInt32BE(o);
    const tier = TIER_BY_LETTER[String.fromCharCode(buf[o + 4]!)]!;
    o += 4 + tierLen;
    out.push({ id, lat, lng, bearingDeg, fovDeg, rangeM, tier });
  }
  return out;
}

function unpackCameras(ids: string, nums: Uint8Array, tiers: string): BenchCamera[] {
  const idList = ids.split('\n');
  const view = new DataView(nums.buffer, nums.byteOffset, nums.byteLength);
  const out: BenchCamera[] = [];
  for (let i = 0; i < idList.length; i++) {
    const o = i * 40;
    out.push({ id: idList[i]!, lat: view.getFloat64(o), lng: view.getFloat64(o + 8), bearingDeg: view.getFloat64(o + 16), fovDeg: view.getFloat64(o + 24), rangeM: view.getFloat64(o + 32), tier: TIER_BY_LETTER[tiers[i]!]! });
  }
  return out;
}

function compareAnswers(ours: readonly string[][], theirs: readonly string[][], incidents: readonly IncidentArea[], byId: Map<string, BenchCamera>, radiusM: number) {
  let exact = 0;
  let boundaryOnly = 0;
  let maxOffM = 0;
  for (let q = 0; q < theirs.length; q++) {
    const a = new Set(ours[q]);
    const b = new Set(theirs[q]);
    const diff = [...a].filter((id) => !b.has(id)).concat([...b].filter((id) => !a.has(id)));
    if (diff.length === 0) {
      exact++;
      continue;
    }
    // Off the candidate radius by how much? A boundary case is a camera within 0.5 m of that radius.
    const off = Math.max(...diff.map((id) => Math.abs(distanceM(byId.get(id)!, incidents[q]!) - radiusM)));
    maxOffM = Math.max(maxOffM, off);
    if (off <= BOUNDARY_CASE_M) boundaryOnly++;
  }
  return { exact, differing: theirs.length - exact, boundaryOnly, maxOffM };
}

// ---------------------------------------------------------------- run
const say = (line: string) => console.log(line);

const tGen = performance.now();
const cameras: BenchCamera[] = Array.from({ length: CAMERAS }, randomCamera);
const incidents: IncidentArea[] = Array.from({ length: QUERIES }, () => ({ ...randomPoint(), accuracyM: ACCURACY_M }));
const byId = new Map(cameras.map((c) => [c.id, c]));
console.log(`generated ${CAMERAS.toLocaleString('en-US')} cameras and ${QUERIES} incidents in ${s(performance.now() - tGen)}`);

const heapBefore = heapBytes();
const tBuild = performance.now();
const index = CameraIndex.build(cameras);
const buildMs = performance.now() - tBuild;
const heapDelta = heapBytes() - heapBefore;
const mem = index.memoryUsage();
const candidateRadiusM = Math.min(SEARCH_RADIUS_M, index.maxRangeM) + ACCURACY_M + BOUNDARY_TOLERANCE_M;

const ours = await timeQueries('CameraIndex (in process, wedge test included)', incidents, (area) => {
  const m = index.findCamerasThatCouldSee(area, SEARCH_RADIUS_M);
  return { ids: m.map((x) => x.camera.id), rows: m.length };
});
say(`\n== CameraIndex, ${CAMERAS.toLocaleString('en-US')} cameras, ${QUERIES} incidents, ${SEARCH_RADIUS_M} m search, ${ACCURACY_M} m uncertainty`);
say(`build (from camera objects)   ${s(buildMs)}`);
say(`index memory                  ${(mem.bytesPerCamera).toFixed(1)} B/camera (trees ${(mem.treeBytes / CAMERAS).toFixed(1)}, id table ${(mem.idTableBytes / CAMERAS).toFixed(1)}, record refs ${(mem.recordRefBytes / CAMERAS).toFixed(1)}); heap+buffers grew ${(heapDelta / CAMERAS).toFixed(1)} B/camera`);
say(`query p50 / p99 / mean        ${us(ours.p50Ms)} / ${us(ours.p99Ms)} / ${us(ours.meanMs)}   (${ours.rowsPerQuery.toFixed(1)} matches/query)`);
say(`candidate radius for SQL      ${candidateRadiusM.toFixed(3)} m (min(search, longest range) + uncertainty)`);

// This is a shared 2-vCPU VM: a query preempted by another process reads as milliseconds. Best of three runs of
// each query shows the index's own cost; the single-pass figures above are what the comparison uses.
{
  const best = new Float64Array(QUERIES).fill(Infinity);
  for (let r = 0; r < 3; r++) {
    gc();
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now();
      index.findCamerasThatCouldSee(incidents[i]!, SEARCH_RADIUS_M);
      best[i] = Math.min(best[i]!, performance.now() - t0);
    }
  }
  best.sort();
  say(`best of 3 per query p50 / p99  ${us(percentile(best, 50))} / ${us(percentile(best, 99))}`);
}
// Where our time goes: queries in busy corridors return hundreds of cameras, each confirmed and ranked.
{
  const light = ours.perQuery.filter((q) => q.rows <= 100).map((q) => q.ms);
  const heavy = ours.perQuery.filter((q) => q.rows > 100);
  const p99Light = percentile(Float64Array.from(light).sort(), 99);
  const usPerMatch = heavy.reduce((a, q) => a + q.ms, 0) / Math.max(1, heavy.reduce((a, q) => a + q.rows, 0));
  say(`queries with ≤ 100 matches     ${light.length}, p99 ${us(p99Light)}; with more: ${heavy.length}, ${us(usPerMatch)} per match`);
}

const sqlRuns: QueryRun[] = [];
const loads: { label: string; ms: number; selectMs: number }[] = [];
const agreement: string[] = [];
const sample = incidents.slice(0, SQL_SAMPLE);
// PostgreSQL loads in its own process while PGlite loads in ours: set both up at once, then time one at a time.
const [postgres, lite] = await Promise.all([
  argv['skip-postgres'] ? undefined : setUpPostgres(),
  argv['skip-pglite'] ? undefined : setUpPglite(),
]);
if (postgres) console.log(`PostgreSQL: loaded and indexed in ${s(postgres.ms)}`);
if (lite) console.log(`PGlite: loaded and indexed in ${s(lite.ms)}`);

if (postgres) {
  const { db, admin } = postgres;
  try {
    const postgis = (name: string, useSpheroid: boolean) => async (a: IncidentArea) => {
      const text = `SELECT ${COLUMNS} FROM bench_cameras WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, $3, ${useSpheroid})`;
      const r = await db.query<Row>({ name, text, values: [a.lat, a.lng, candidateRadiusM], rowMode: 'array' });
      return { ids: wedgeFilter(r.rows, a), rows: r.rows.length };
    };
    const spheroid = await timeQueries('PostgreSQL + PostGIS ST_DWithin(geography), spheroid', incidents, postgis('pgis_spheroid', true));
    const sphere = await timeQueries('PostgreSQL + PostGIS ST_DWithin(geography), sphere', sample, postgis('pgis_sphere', false));
    // earthdistance's earth() is 6378168 m; scale the radius so that the candidate sets match our sphere's.
    const earthRadiusM = Number((await db.query('SELECT earth() AS r')).rows[0].r);
    const earth = await timeQueries('PostgreSQL + cube/earthdistance (GiST on ll_to_earth)', sample, async (a) => {
      const r = await db.query<Row>({ name: 'earth', text: EARTH_QUERY, values: [a.lat, a.lng, (candidateRadiusM * earthRadiusM) / EARTH_RADIUS_M], rowMode: 'array' });
      return { ids: wedgeFilter(r.rows, a), rows: r.rows.length };
    });
    sqlRuns.push(spheroid, sphere, earth);
    for (const run of [spheroid, sphere]) {
      const c = compareAnswers(ours.answers, run.answers, incidents, byId, candidateRadiusM);
      agreement.push(`vs ${run.label}: ${c.exact}/${run.answers.length} identical; ${c.differing} differ, ${c.boundaryOnly} of them only by cameras within ${BOUNDARY_CASE_M} m of the radius (largest offset ${c.maxOffM.toFixed(3)} m)`);
    }
    const plain = await loadIndex(async () => (await db.query<Row>({ text: `SELECT ${COLUMNS} FROM bench_cameras`, rowMode: 'array' })).rows.map(rowToCamera));
    loads.push({ label: 'PostgreSQL, plain SELECT', ms: plain.ms, selectMs: plain.selectMs });
    const packed = await loadIndex(async () => {
      const r = (await db.query<[string, Buffer, string]>({ text: PACKED_SELECT, rowMode: 'array' })).rows[0]!;
      return unpackCameras(r[0], r[1], r[2]);
    });
    loads.push({ label: 'PostgreSQL, packed SELECT', ms: packed.ms, selectMs: packed.selectMs });
  } finally {
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB}`);
    await admin.end();
  }
}

if (lite) {
  const db = lite.lite;
  try {
    const earthRadiusM = Number((await db.query<{ r: number }>('SELECT earth() AS r')).rows[0]!.r);
    sqlRuns.push(
      await timeQueries('PGlite + cube/earthdistance (GiST on ll_to_earth, in process)', sample, async (a) => {
        const r = await db.query<Row>(EARTH_QUERY, [a.lat, a.lng, (candidateRadiusM * earthRadiusM) / EARTH_RADIUS_M], { rowMode: 'array' });
        return { ids: wedgeFilter(r.rows, a), rows: r.rows.length };
      }),
    );
    const copied = await loadIndex(async () => {
      const r = await db.query(`COPY bench_cameras (${COLUMNS}) TO '/dev/blob' WITH (FORMAT binary)`);
      return camerasFromBinaryCopy(new Uint8Array(await r.blob!.arrayBuffer()));
    });
    loads.push({ label: 'PGlite, COPY binary', ms: copied.ms, selectMs: copied.selectMs });
    const plain = await loadIndex(async () => (await db.query<Row>(`SELECT ${COLUMNS} FROM bench_cameras`, [], { rowMode: 'array' })).rows.map(rowToCamera));
    loads.push({ label: 'PGlite, plain SELECT', ms: plain.ms, selectMs: plain.selectMs });
  } finally {
    await db.close();
  }
}

// ---------------------------------------------------------------- report
say(`\n== Per query, ${QUERIES} incidents (SQL timings include the round trip and the same wedge test in JS)`);
say(`${'engine'.padEnd(76)} ${'p50'.padStart(10)} ${'p99'.padStart(10)} ${'mean'.padStart(10)}  rows/query`);
for (const r of [ours, ...sqlRuns]) say(`${r.label.padEnd(76)} ${us(r.p50Ms).padStart(10)} ${us(r.p99Ms).padStart(10)} ${us(r.meanMs).padStart(10)}  ${r.rowsPerQuery.toFixed(1)}`);
if (sqlRuns.length > 0) {
  const bestP50 = sqlRuns.reduce((a, b) => (b.p50Ms < a.p50Ms ? b : a));
  const bestP99 = sqlRuns.reduce((a, b) => (b.p99Ms < a.p99Ms ? b : a));
  say(`speedup vs best SQL: p50 ${(bestP50.p50Ms / ours.p50Ms).toFixed(0)}× (${bestP50.label}), p99 ${(bestP99.p99Ms / ours.p99Ms).toFixed(0)}× (${bestP99.label})`);
}
if (agreement.length > 0) {
  say(`\n== Agreement of answer sets (PostGIS radius candidates + the same wedge test)`);
  for (const a of agreement) say(a);
}
if (loads.length > 0) {
  say(`\n== Build from database: SELECT all ${CAMERAS.toLocaleString('en-US')} rows + CameraIndex.build (target ≤ 3 s)`);
  for (const l of loads) say(`${l.label.padEnd(30)} ${s(l.ms)} (select ${s(l.selectMs)}, build ${s(l.ms - l.selectMs)})`);
}
say(`\n== Targets: p99 ≤ 100 µs: ${ours.p99Ms <= 0.1 ? 'met' : 'MISSED'}; memory ≤ 64 B/camera: ${mem.bytesPerCamera <= 64 ? 'met' : 'MISSED'}` +
  (sqlRuns.length > 0 ? `; ≥ 15× best SQL (p50): ${Math.min(...sqlRuns.map((r) => r.p50Ms)) / ours.p50Ms >= 15 ? 'met' : 'MISSED'}` : '') +
  (loads.length > 0 ? `; build from DB ≤ 3 s: ${loads.map((l) => `${l.label} ${l.ms <= 3000 ? 'met' : 'MISSED'}`).join(', ')}` : ''));

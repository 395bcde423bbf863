// The in-process camera index against the same radius query in SQL, side by side in one run.
//   npx tsx bench/index.bench.ts [--cameras 1000000] [--queries 2000] [--sql-sample 500] [--skip-postgres]
//                                [--skip-pglite] [--skip-registry] [--postgres postgres://postgres@127.0.0.1:5432/postgres]
// Every incident is timed on our index and on PostGIS ST_DWithin (the agreement check needs them all); the slower
// SQL variants are timed on the first --sql-sample incidents to keep the run within minutes. Loading the index
// from a database is timed in a fresh child process, as at server start, not in this one's crowded heap.
// The server's own start path, CameraRegistry.load on the application's tables, is timed the same way (registry-load.ts).
// Creates and drops its own PostgreSQL databases (wf_bench_index, wf_bench_registry) and PGlite directories (bench/out).
// Not run in CI.

import { PGlite } from '@electric-sql/pglite';
import { cube } from '@electric-sql/pglite/contrib/cube';
import { earthdistance } from '@electric-sql/pglite/contrib/earthdistance';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { CameraIndex, type CameraForIndex } from '../src/geo/camera-index.js';
import { BOUNDARY_TOLERANCE_M, matchCameraToArea, type IncidentArea } from '../src/geo/fov.js';
import type { CameraTier } from '../src/geo/ranking.js';
import { EARTH_RADIUS_M, distanceM } from '../src/geo/sphere.js';
import { SyntheticCity } from '../src/geo/synthetic-city.js';
import { measureRegistryLoad, registryLoads } from './registry-load.js';
import { machineInterruptions, machineReference } from './machine.js';

const { values: argv } = parseArgs({
  options: {
    cameras: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '2000' },
    'sql-sample': { type: 'string', default: '500' },
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    'skip-postgres': { type: 'boolean', default: false },
    'skip-pglite': { type: 'boolean', default: false },
    'measure-load': { type: 'string' }, // internal: run one loader in a child process and print its timings
    'measure-registry': { type: 'string' }, // internal: time CameraRegistry.load in a child process
    'skip-registry': { type: 'boolean', default: false },
  },
});
const CAMERAS = Number(argv.cameras);
const QUERIES = Number(argv.queries);
const SQL_SAMPLE = Math.min(QUERIES, Number(argv['sql-sample']));
const SEARCH_RADIUS_M = 250;
const ACCURACY_M = 30;
const BOUNDARY_CASE_M = 0.5;
const BENCH_DB = 'wf_bench_index';
const PGLITE_DIR = fileURLToPath(new URL('./out/wf-bench-index-pglite', import.meta.url));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

type BenchCamera = CameraForIndex;

// ---------------------------------------------------------------- measuring
const heapBytes = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const say = (line: string) => console.log(line);

interface QueryRun {
  readonly label: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly answers: string[][];
  readonly rowsPerQuery: number;
  readonly perQuery: { ms: number; rows: number }[];
}

/**
 * A query's answer as ids for the agreement check. Where the ids are not the query's own output (our index answers
 * with camera objects), `ids` is a function, called after the clock stops: reading a few hundred cameras' `id`
 * fields is the check's cost, not the query's (it was charged to the first pass before, about 3 µs a query and
 * 60 µs for the densest).
 */
type Answer = { ids: string[] | (() => string[]); rows: number };
type QueryFn = (a: IncidentArea) => Promise<Answer> | Answer;

async function timeQueries(label: string, incidents: readonly IncidentArea[], run: QueryFn): Promise<QueryRun> {
  for (let i = 0; i < Math.min(200, incidents.length); i++) await run(incidents[i]!); // warm caches and the JIT
  gc(); // settle the garbage of generation and loading, so that its collection is not charged to queries
  // A forced full collection leaves the sweeping of a heap of a million cameras to background threads, which on two
  // cores run beside the first queries (their mean was 31-38 µs right after it, 21-26 µs a second later).
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const times = new Float64Array(incidents.length);
  const answers: string[][] = [];
  const perQuery: { ms: number; rows: number }[] = [];
  for (let i = 0; i < incidents.length; i++) {
    const t0 = performance.now();
    const r = await run(incidents[i]!);
    times[i] = performance.now() - t0;
    answers.push(typeof r.ids === 'function' ? r.ids() : r.ids);
    perQuery.push({ ms: times[i]!, rows: r.rows });
  }
  const meanMs = times.reduce((a, b) => a + b, 0) / times.length;
  const rowsPerQuery = perQuery.reduce((a, q) => a + q.rows, 0) / incidents.length;
  times.sort();
  return { label: `${label} [${incidents.length} q]`, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), meanMs, answers, rowsPerQuery, perQuery };
}

type Row = [string, number, number, number, number, number, string];
const rowToCamera = (r: Row): BenchCamera => ({ id: r[0], lat: r[1], lng: r[2], bearingDeg: r[3], fovDeg: r[4], rangeM: r[5], tier: r[6] as CameraTier });

/** The same exact wedge test our index applies, run over SQL's radius candidates. */
function wedgeFilter(rows: readonly Row[], area: IncidentArea): { ids: string[]; rows: number } {
  const ids: string[] = [];
  for (const r of rows) if (matchCameraToArea(rowToCamera(r), area, SEARCH_RADIUS_M)) ids.push(r[0]);
  return { ids, rows: rows.length };
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

// ---------------------------------------------------------------- databases
const COLUMNS = 'id, lat, lng, bearing_deg, fov_deg, range_m, tier';
const CREATE_TABLE = `CREATE TABLE bench_cameras (id text PRIMARY KEY, lat float8 NOT NULL, lng float8 NOT NULL, bearing_deg float8 NOT NULL,
  fov_deg float8 NOT NULL, range_m float8 NOT NULL, tier text NOT NULL)`;
const UNNEST = `unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::text[]) AS t(${COLUMNS})`;
const EARTH_QUERY = `SELECT ${COLUMNS} FROM bench_cameras
  WHERE earth_box(ll_to_earth($1, $2), $3) @> ll_to_earth(lat, lng) AND earth_distance(ll_to_earth($1, $2), ll_to_earth(lat, lng)) <= $3`;
const benchDbUrl = () => Object.assign(new URL(argv.postgres), { pathname: `/${BENCH_DB}` }).toString();

/** Multi-row inserts through unnest, 50,000 rows a statement; `extra` adds computed columns. */
async function insertCameras(query: (text: string, params: unknown[]) => Promise<unknown>, cameras: readonly BenchCamera[], extra = { columns: '', values: '' }): Promise<void> {
  const text = `INSERT INTO bench_cameras (${COLUMNS}${extra.columns}) SELECT t.*${extra.values} FROM ${UNNEST}`;
  for (let i = 0; i < cameras.length; i += 50_000) {
    const b = cameras.slice(i, i + 50_000);
    await query(text, [b.map((c) => c.id), b.map((c) => c.lat), b.map((c) => c.lng), b.map((c) => c.bearingDeg), b.map((c) => c.fovDeg), b.map((c) => c.rangeM), b.map((c) => c.tier)]);
  }
}

async function setUpPostgres(cameras: readonly BenchCamera[]): Promise<{ db: pg.Client; admin: pg.Client; ms: number }> {
  const t0 = performance.now();
  const admin = new pg.Client({ connectionString: argv.postgres });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB}`);
  await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  const db = new pg.Client({ connectionString: benchDbUrl() });
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

async function setUpPglite(cameras: readonly BenchCamera[]): Promise<{ lite: PGlite; ms: number }> {
  const t0 = performance.now();
  rmSync(PGLITE_DIR, { recursive: true, force: true });
  mkdirSync(dirname(PGLITE_DIR), { recursive: true });
  const lite = await PGlite.create({ dataDir: PGLITE_DIR, extensions: { cube, earthdistance } });
  await lite.exec('CREATE EXTENSION cube; CREATE EXTENSION earthdistance');
  await lite.exec(CREATE_TABLE);
  await insertCameras((t, p) => lite.query(t, p), cameras);
  await lite.exec('CREATE INDEX ON bench_cameras USING gist (ll_to_earth(lat, lng))');
  await lite.exec('VACUUM ANALYZE bench_cameras');
  return { lite, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------- loading the index from a database
/**
 * One row for the whole table: ids joined by newlines, each numeric column as one binary float8 array (base64),
 * tiers as one letter each. The driver then parses seven values instead of seven million, which is where a plain
 * SELECT spends its time. All aggregates of one query see the rows in the same order.
 */
const NUMERIC_COLUMNS = ['lat', 'lng', 'bearing_deg', 'fov_deg', 'range_m'];
const PACKED_SELECT = `SELECT string_agg(id, E'\\n'), ${NUMERIC_COLUMNS.map((c) => `encode(array_send(array_agg(${c})), 'base64')`).join(', ')},
  string_agg(left(tier, 1), '') FROM bench_cameras`;
const TIER_BY_LETTER: Record<string, CameraTier> = { r: 'registered', i: 'integrated', c: 'city' };

/** PostgreSQL's binary array format, one dimension of float8 without NULLs: header, then (length, value) pairs. */
function float8Array(b: Buffer): Float64Array {
  if (b.readInt32BE(0) !== 1) throw new Error('expected a one-dimensional array');
  const out = new Float64Array(b.readInt32BE(12));
  for (let i = 0, o = 24; i < out.length; i++, o += 12) out[i] = b.readDoubleBE(o);
  return out;
}

function unpackCameras(row: string[]): BenchCamera[] {
  const ids = row[0]!.split('\n');
  const [lat, lng, bearing, fov, range] = NUMERIC_COLUMNS.map((_, k) => float8Array(Buffer.from(row[k + 1]!, 'base64')));
  const tiers = row[6]!;
  const out: BenchCamera[] = [];
  for (let i = 0; i < ids.length; i++) {
    out.push({ id: ids[i]!, lat: lat![i]!, lng: lng![i]!, bearingDeg: bearing![i]!, fovDeg: fov![i]!, rangeM: range![i]!, tier: TIER_BY_LETTER[tiers[i]!]! });
  }
  return out;
}

/** Reads `COPY (id, lat, lng, bearing_deg, fov_deg, range_m, tier) TO … WITH (FORMAT binary)` output. */
function camerasFromBinaryCopy(bytes: Uint8Array): BenchCamera[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 11 + 4; // signature, flags
  o += 4 + buf.readInt32BE(o); // header extension
  const out: BenchCamera[] = [];
  while (buf.readInt16BE(o) !== -1) {
    o += 2; // field count
    const idLen = buf.readInt32BE(o);
    const id = buf.toString('utf8', o + 4, o + 4 + idLen);
    o += 4 + idLen;
    // Five float8 fields, each an int32 length (8) then the value.
    const [lat, lng, bearingDeg, fovDeg, rangeM] = [0, 1, 2, 3, 4].map((k) => buf.readDoubleBE(o + 4 + 12 * k)) as [number, number, number, number, number];
    o += 60;
    const tier = TIER_BY_LETTER[String.fromCharCode(buf[o + 4]!)]!;
    o += 4 + buf.readInt32BE(o);
    out.push({ id, lat, lng, bearingDeg, fovDeg, rangeM, tier });
  }
  return out;
}

interface LoadTiming {
  readonly label: string;
  readonly ms: number;
  readonly selectMs: number;
}

async function timeLoad(label: string, select: () => Promise<BenchCamera[]>): Promise<LoadTiming> {
  const t0 = performance.now();
  const cams = await select();
  const selectMs = performance.now() - t0;
  const index = CameraIndex.build(cams);
  const ms = performance.now() - t0;
  if (index.size !== CAMERAS) throw new Error(`${label}: loaded ${index.size} cameras, expected ${CAMERAS}`);
  return { label, ms, selectMs };
}

/** Child-process mode: one database, its loaders in turn, each in a heap holding only what a starting server holds. */
async function measureLoads(source: string): Promise<LoadTiming[]> {
  if (source === 'postgres') {
    const db = new pg.Client({ connectionString: benchDbUrl() });
    await db.connect();
    try {
      const packed = await timeLoad('PostgreSQL, packed SELECT', async () => unpackCameras((await db.query<string[]>({ text: PACKED_SELECT, rowMode: 'array' })).rows[0]!));
      gc();
      const plain = await timeLoad('PostgreSQL, plain SELECT', async () => (await db.query<Row>({ text: `SELECT ${COLUMNS} FROM bench_cameras`, rowMode: 'array' })).rows.map(rowToCamera));
      return [packed, plain];
    } finally {
      await db.end();
    }
  }
  const lite = await PGlite.create({ dataDir: PGLITE_DIR, extensions: { cube, earthdistance } });
  try {
    const copied = await timeLoad('PGlite, COPY binary', async () => {
      const r = await lite.query(`COPY bench_cameras (${COLUMNS}) TO '/dev/blob' WITH (FORMAT binary)`);
      return camerasFromBinaryCopy(new Uint8Array(await r.blob!.arrayBuffer()));
    });
    gc();
    const plain = await timeLoad('PGlite, plain SELECT', async () => (await lite.query<Row>(`SELECT ${COLUMNS} FROM bench_cameras`, [], { rowMode: 'array' })).rows.map(rowToCamera));
    return [copied, plain];
  } finally {
    await lite.close();
  }
}

function loadInChildProcess(source: 'postgres' | 'pglite'): LoadTiming[] {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--measure-load', source, '--cameras', String(CAMERAS), '--postgres', argv.postgres];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 })) as LoadTiming[];
}

if (argv['measure-registry']) {
  console.log(JSON.stringify(await measureRegistryLoad(argv['measure-registry'], argv.postgres)));
  process.exit(0);
}

if (argv['measure-load']) {
  console.log(JSON.stringify(await measureLoads(argv['measure-load'])));
  process.exit(0);
}

// ---------------------------------------------------------------- run
const tGen = performance.now();
// A DC-sized box, 30 % of points within a few hundred metres of seven corridors (see synthetic-city.ts).
const city = new SyntheticCity();
const cameras: BenchCamera[] = Array.from({ length: CAMERAS }, () => city.camera());
const incidents: IncidentArea[] = Array.from({ length: QUERIES }, () => city.incident(ACCURACY_M));
const byId = new Map(cameras.map((c) => [c.id, c]));
console.log(`generated ${CAMERAS.toLocaleString('en-US')} cameras and ${QUERIES} incidents in ${s(performance.now() - tGen)}`);

const heapBefore = heapBytes();
const tBuild = performance.now();
const index = CameraIndex.build(cameras);
const buildMs = performance.now() - tBuild;
const heapDelta = heapBytes() - heapBefore;
const mem = index.memoryUsage();
const candidateRadiusM = Math.min(SEARCH_RADIUS_M, index.maxRangeM) + ACCURACY_M + BOUNDARY_TOLERANCE_M;
const perCamera = (bytes: number) => (bytes / CAMERAS).toFixed(1);

const { loadavg } = await import('node:os');
const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' / ');
const loadBefore = loadAverage();
// Timed as intake matches: findMatchColumns (the ranked answer as columns). The camera API's form, an object per
// match, is timed after the passes below, on the same incidents.
const ours = await timeQueries('CameraIndex (in process, wedge test included)', incidents, (area) => {
  const m = index.findMatchColumns(area, SEARCH_RADIUS_M);
  return { ids: () => m.cameras.map((c) => c.id), rows: m.cameras.length };
});
// The machine's own interruptions, measured beside the first pass (they change from minute to minute).
const interruptions = machineInterruptions();
// This is a shared 2-vCPU VM: a query preempted by another process reads as milliseconds. More passes over the
// incidents, and the best of each query's runs, show the index's own cost; the single-pass figures are what the
// comparison with SQL uses. Each pass takes the incidents in its own shuffled order and none starts with a forced
// collection: young-generation collections come after a fixed amount of allocation, so passes that all started
// from an empty heap in the same order would have them land on the same queries every time.
const MORE_PASSES = 4;
const best = Float64Array.from(ours.perQuery, (q) => q.ms);
const passes: string[] = [];
for (let r = 0; r < MORE_PASSES; r++) {
  const order = Array.from({ length: QUERIES }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const times = new Float64Array(QUERIES);
  for (const i of order) {
    const t0 = performance.now();
    index.findMatchColumns(incidents[i]!, SEARCH_RADIUS_M);
    times[i] = performance.now() - t0;
    best[i] = Math.min(best[i]!, times[i]!);
  }
  times.sort();
  passes.push(`${us(percentile(times, 50))} / ${us(percentile(times, 99))}`);
}
best.sort();
const asObjects = await timeQueries('CameraIndex, match objects', incidents, (area) => {
  const m = index.findCamerasThatCouldSee(area, SEARCH_RADIUS_M);
  return { ids: () => m.map((x) => x.camera.id), rows: m.length };
});
const loadAfter = loadAverage();
const reference = machineReference();
// Where the time goes: queries in busy corridors return hundreds of cameras, each confirmed and ranked.
const light = Float64Array.from(ours.perQuery.filter((q) => q.rows <= 100).map((q) => q.ms)).sort();
const heavy = ours.perQuery.filter((q) => q.rows > 100);
const usPerMatch = heavy.reduce((a, q) => a + q.ms, 0) / Math.max(1, heavy.reduce((a, q) => a + q.rows, 0));

say(`\n${reference}`);
say(`== CameraIndex, ${CAMERAS.toLocaleString('en-US')} cameras, ${QUERIES} incidents, ${SEARCH_RADIUS_M} m search, ${ACCURACY_M} m uncertainty`);
say(`build (from camera objects)    ${s(buildMs)}`);
say(`index memory                   ${mem.bytesPerCamera.toFixed(1)} B/camera (rows ${perCamera(mem.rowBytes)}, fields ${perCamera(mem.fieldBytes)}, id table ${perCamera(mem.idTableBytes)}, record refs ${perCamera(mem.recordRefBytes)}); heap+buffers grew ${perCamera(heapDelta)} B/camera`);
say(`load average (1 / 5 / 15 min)  ${loadBefore} before the queries, ${loadAfter} after`);
say(`query p50 / p99 / mean         ${us(ours.p50Ms)} / ${us(ours.p99Ms)} / ${us(ours.meanMs)}   (${ours.rowsPerQuery.toFixed(1)} matches/query)`);
say(`machine interruptions         ${interruptions}`);
say(`${MORE_PASSES} more passes, p50 / p99      ${passes.join(';  ')}`);
say(`best of ${MORE_PASSES + 1} per query p50 / p99  ${us(percentile(best, 50))} / ${us(percentile(best, 99))}`);
say(`as match objects (camera API)  ${us(asObjects.p50Ms)} / ${us(asObjects.p99Ms)} / ${us(asObjects.meanMs)}   (findCamerasThatCouldSee, one pass after the above; the figures above are findMatchColumns, intake's form); same ranked ids in ${ours.answers.filter((a, q) => a.join() === asObjects.answers[q]!.join()).length}/${QUERIES} queries`);
say(`queries with ≤ 100 matches     ${light.length}, p99 ${us(percentile(light, 99))}; with more: ${heavy.length}, ${us(usPerMatch)} per match`);
say(`candidate radius for SQL       ${candidateRadiusM.toFixed(3)} m (min(search, longest range) + uncertainty)`);

const sqlRuns: QueryRun[] = [];
const loads: LoadTiming[] = [];
const agreement: string[] = [];
const sample = incidents.slice(0, SQL_SAMPLE);
// PostgreSQL loads in its own process while PGlite loads in ours: set both up at once, then time one at a time.
const [pgSetup, liteSetup] = await Promise.allSettled([
  argv['skip-postgres'] ? undefined : setUpPostgres(cameras),
  argv['skip-pglite'] ? undefined : setUpPglite(cameras),
]);
const postgres = pgSetup.status === 'fulfilled' ? pgSetup.value : undefined;
const lite = liteSetup.status === 'fulfilled' ? liteSetup.value : undefined;
if (pgSetup.status === 'rejected' || liteSetup.status === 'rejected') {
  await postgres?.db.end();
  await postgres?.admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB}`);
  await postgres?.admin.end();
  await lite?.lite.close();
  rmSync(PGLITE_DIR, { recursive: true, force: true });
  throw pgSetup.status === 'rejected' ? pgSetup.reason : (liteSetup as PromiseRejectedResult).reason;
}
if (postgres) console.log(`PostgreSQL: loaded and indexed in ${s(postgres.ms)}`);
if (lite) console.log(`PGlite: loaded and indexed in ${s(lite.ms)}`);

if (postgres) {
  const { db, admin } = postgres;
  try {
    const postgis = (name: string, useSpheroid: boolean) => async (a: IncidentArea) => {
      const text = `SELECT ${COLUMNS} FROM bench_cameras WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint($2, $1), 4326)::geography, $3, ${useSpheroid})`;
      return wedgeFilter((await db.query<Row>({ name, text, values: [a.lat, a.lng, candidateRadiusM], rowMode: 'array' })).rows, a);
    };
    const spheroid = await timeQueries('PostgreSQL + PostGIS ST_DWithin(geography), spheroid', incidents, postgis('pgis_spheroid', true));
    const sphere = await timeQueries('PostgreSQL + PostGIS ST_DWithin(geography), sphere', sample, postgis('pgis_sphere', false));
    // earthdistance's earth() is 6378168 m; scale the radius so that the candidate sets match our sphere's.
    const earthRadiusM = Number((await db.query('SELECT earth() AS r')).rows[0].r);
    const earth = await timeQueries('PostgreSQL + cube/earthdistance (GiST on ll_to_earth)', sample, async (a) => {
      const values = [a.lat, a.lng, (candidateRadiusM * earthRadiusM) / EARTH_RADIUS_M];
      return wedgeFilter((await db.query<Row>({ name: 'earth', text: EARTH_QUERY, values, rowMode: 'array' })).rows, a);
    });
    sqlRuns.push(spheroid, sphere, earth);
    for (const run of [spheroid, sphere]) {
      const c = compareAnswers(ours.answers, run.answers, incidents, byId, candidateRadiusM);
      agreement.push(`vs ${run.label}: ${c.exact}/${run.answers.length} identical; ${c.differing} differ, ${c.boundaryOnly} of them only by cameras within ${BOUNDARY_CASE_M} m of the radius (largest offset ${c.maxOffM.toFixed(3)} m)`);
    }
    loads.push(...loadInChildProcess('postgres'));
  } finally {
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB}`);
    await admin.end();
  }
}

if (lite) {
  try {
    const earthRadiusM = Number((await lite.lite.query<{ r: number }>('SELECT earth() AS r')).rows[0]!.r);
    sqlRuns.push(
      await timeQueries('PGlite + cube/earthdistance (GiST on ll_to_earth, in process)', sample, async (a) => {
        const values = [a.lat, a.lng, (candidateRadiusM * earthRadiusM) / EARTH_RADIUS_M];
        return wedgeFilter((await lite.lite.query<Row>(EARTH_QUERY, values, { rowMode: 'array' })).rows, a);
      }),
    );
    await lite.lite.close(); // one process at a time may open a PGlite directory
    loads.push(...loadInChildProcess('pglite'));
  } finally {
    if (!lite.lite.closed) await lite.lite.close();
    rmSync(PGLITE_DIR, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report
say(`\n== Per query (SQL timings include the round trip and the same wedge test in JS)`);
say(`${'engine'.padEnd(76)} ${'p50'.padStart(10)} ${'p99'.padStart(11)} ${'mean'.padStart(11)}  rows/query`);
for (const r of [ours, ...sqlRuns]) say(`${r.label.padEnd(76)} ${us(r.p50Ms).padStart(10)} ${us(r.p99Ms).padStart(11)} ${us(r.meanMs).padStart(11)}  ${r.rowsPerQuery.toFixed(1)}`);
const bestSqlP50 = sqlRuns.reduce<QueryRun | undefined>((a, b) => (a === undefined || b.p50Ms < a.p50Ms ? b : a), undefined);
const bestSqlP99 = sqlRuns.reduce<QueryRun | undefined>((a, b) => (a === undefined || b.p99Ms < a.p99Ms ? b : a), undefined);
if (bestSqlP50 && bestSqlP99) {
  say(`speedup vs best SQL: p50 ${(bestSqlP50.p50Ms / ours.p50Ms).toFixed(0)}× (${bestSqlP50.label}), p99 ${(bestSqlP99.p99Ms / ours.p99Ms).toFixed(0)}× (${bestSqlP99.label})`);
}
if (agreement.length > 0) {
  say(`\n== Agreement of answer sets (PostGIS radius candidates + the same wedge test)`);
  for (const a of agreement) say(a);
}
if (loads.length > 0) {
  say(`\n== Build from database in a fresh process: read all ${CAMERAS.toLocaleString('en-US')} rows + CameraIndex.build (target ≤ 3 s)`);
  for (const l of loads) say(`${l.label.padEnd(30)} ${s(l.ms)} (read ${s(l.selectMs)}, build ${s(l.ms - l.selectMs)})`);
}
// The server's own start path on the application's schema (binary COPY into index rows, then the build).
const registry = argv['skip-registry']
  ? []
  : await registryLoads(cameras, { postgres: argv['skip-postgres'] ? undefined : argv.postgres, pglite: !argv['skip-pglite'], script: fileURLToPath(import.meta.url), execArgv: process.execArgv });
if (registry.length > 0) {
  say(`\n== Server start: CameraRegistry.load of ${CAMERAS.toLocaleString('en-US')} verified cameras from the application's tables, fresh process (target ≤ 3 s)`);
  for (const l of registry) say(`${l.label.padEnd(34)} ${s(l.ms)} (read ${s(l.readMs)}, build ${s(l.ms - l.readMs)}; median of ${l.rounds.map(s).join(', ')}; seeding took ${l.seedS.toFixed(0)} s)`);
  say(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  loads.push(...registry.map((l) => ({ label: l.label, ms: l.ms, selectMs: l.readMs })));
}
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
say(
  `\n== Targets: p99 ≤ 100 µs: ${verdict(ours.p99Ms <= 0.1)} (best of ${MORE_PASSES + 1} per query: ${verdict(percentile(best, 99) <= 0.1)}); memory ≤ 64 B/camera: ${verdict(mem.bytesPerCamera <= 64)}` +
    (bestSqlP50 ? `; ≥ 15× best SQL (p50): ${verdict(bestSqlP50.p50Ms / ours.p50Ms >= 15)}` : '') +
    (loads.length > 0 ? `; build from DB ≤ 3 s: ${loads.map((l) => `${l.label} ${verdict(l.ms <= 3000)}`).join(', ')}` : ''),
);

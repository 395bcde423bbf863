// Incident intake under a steady feed: with N verified cameras (default 100,000), incidents are POSTed at a fixed
// rate (default 100/s for 60 s) by a feed in a process of its own. Each POST returns after the incident, its matches, its footage requests and
// their outbox messages are committed (an auto-request rule covers every type), so its latency is the time from
// POST to "request rows and outbox messages committed". Then the rate is doubled until p99 passes 100 ms.
// CPU ms/incident is the server process's (PostgreSQL's own is not counted; PGlite's is, it runs in a thread of the server). PGlite and PostgreSQL
// side by side. Flags: --cameras N --rate N --seconds N --skip-ramp --db pglite|postgres (one only);
// --warmup S (seconds of the same feed before the measured ones, default 3: not counted); --pool N (connections to PostgreSQL; default twice this machine's cores); --ungrouped (PostgreSQL also with each statement in a round trip of its own); --auto-cameras N (how many of an incident's best-ranked cameras the rule asks about; the server's default otherwise);
// BENCH_CPU_PROFILE=path writes a CPU profile of the steady phase.
import crypto from 'node:crypto';
import { rmSync } from 'node:fs';
import http from 'node:http';
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext, type AppContext } from '../src/context.js';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { openFreshPostgres } from '../test/support/databases.js';
import { generateDemoCameras } from '../src/demo/demo-cameras.js';
import * as cameraRepo from '../src/cameras/camera.repository.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import type { IntakeTimings } from '../src/incidents/incident.service.js';
import { DemoFeed } from '../src/incidents/demo-feed.js';
import { CONSENT_VERSION } from '../src/cameras/terms.js';
import { machineReference } from './machine.js';
import { tuneGarbageCollection } from '../src/platform/gc-tuning.js';

// The server process's setting (src/main.ts); this process is the server here. BENCH_PRETENURING=on leaves V8's default.
if (process.env.BENCH_PRETENURING !== 'on') tuneGarbageCollection();

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CAMERAS = arg('cameras', 100_000);
const RATE = arg('rate', 100);
const SECONDS = arg('seconds', 60);
const RAMP = !process.argv.includes('--skip-ramp');
/**
 * Seconds the feed runs at the phase's rate before the measured seconds begin, without a pause between them. A feed
 * process is new at each phase: its first posts open its connections and run its code cold, which took 300–440 ms
 * each for the first ~40 posts here and was the whole p99 of a 20-s run. A CAD feed in service is long connected.
 */
const WARMUP_S = arg('warmup', 3);
/** Cameras whose owners a rule asks per incident (WATCHFLOOR_AUTO_REQUEST_MAX_CAMERAS); the server's default unless given. */
const AUTO_CAMERAS = process.argv.includes('--auto-cameras') ? String(arg('auto-cameras', 20)) : undefined;
const ONLY = process.argv.includes('--db') ? process.argv[process.argv.indexOf('--db') + 1] : undefined;
/** The PGlite run's database folder, made afresh and removed afterwards. */
const PGLITE_DIR = fileURLToPath(new URL('./out/wf-bench-intake-pglite', import.meta.url));
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Also run PostgreSQL with every statement on its own (no BEGIN or last write sent with a neighbour), beside the default. */
const UNGROUPED = process.argv.includes('--ungrouped');
/**
 * Connections to PostgreSQL (WATCHFLOOR_DATABASE_POOL_SIZE). The database runs on this machine, so by default the
 * pool is sized as docs/deploy.md says to size it: about twice the database server's cores. (The server's default,
 * 10, is for a larger database server; on two cores it only queued commits inside PostgreSQL: p99 147–304 ms at
 * 100/s against 68–85 ms with 3 connections, in alternating 20-s runs.)
 */
const POOL = arg('pool', 2 * os.availableParallelism());

/** A fresh PostgreSQL database for this run, or undefined (with a message) when the server is not reachable. */
async function freshPostgres(groupStatements = true): Promise<Database | undefined> {
  try {
    return await openFreshPostgres(PG_URL, POOL, groupStatements);
  } catch (err) {
    console.log(`PostgreSQL at ${PG_URL} is not reachable (${(err as Error).message}); skipping it`);
    return undefined;
  }
}

async function seed(ctx: AppContext) {
  const cams = generateDemoCameras(CAMERAS, ctx.serviceArea.bbox, ctx.serviceArea.contains, 7);
  const now = new Date();
  for (let i = 0; i < cams.length; i += 2000) {
    const slice = cams.slice(i, i + 2000);
    await ctx.database.db.transaction(async (tx) => {
      const owners = slice.map((c, j) => ({ id: crypto.randomUUID(), name: `Owner ${i + j}`, email: `o${i + j}@example.invalid`, kind: c.ownerKind ?? 'business', consentVersion: CONSENT_VERSION, consentAt: now }));
      await cameraRepo.insertOwners(tx, owners);
      await cameraRepo.insertCameras(tx, slice.map((c, j) => ({ ownerId: owners[j]!.id, lat: c.lat, lng: c.lng, kind: c.kind === 'cctv' || c.kind === 'traffic' ? 'fixed' : c.kind, bearingDeg: c.bearingDeg, fovDeg: c.fovDeg, rangeM: c.rangeM, retentionDays: 30, tier: c.tier === 'city' ? 'registered' : c.tier, status: 'verified', source: 'import', verifiedAt: now, createdAt: now, updatedAt: now })));
    });
  }
  return ctx.cameras.load(ctx.database.db);
}

const PHASES = ['beforeMs', 'firstMs', 'planMs', 'commitMs'] as const;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** Each POST's latency, the failures, and the time from the first POST to the last answer (the feed's own clock). */
interface FeedResult {
  latencies: number[];
  /** Of the warm-up posts, not counted in `latencies`; null without a warm-up. */
  warmupP99: number | null;
  errors: number;
  elapsedMs: number;
}

// The feed (the CAD system) is another process, as it is in service: its HTTP client does not share the server's
// event loop. It posts `bodies` at `rate` and returns each POST's latency.
async function postFromFeedProcess(url: string, key: string, rate: number, bodies: string[], warmup: number, measuring: () => void): Promise<FeedResult> {
  const child = fork(fileURLToPath(import.meta.url), ['--feed-process'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const done = new Promise<FeedResult>((resolve, reject) => {
    child.on('message', (m) => (m === 'measuring' ? measuring() : resolve(m as FeedResult)));
    child.once('exit', (code) => reject(new Error(`the feed process exited (${code}) before reporting`)));
  });
  child.send({ url, key, rate, bodies, warmup });
  const result = await done;
  child.kill();
  return result;
}

// At most 64 connections, kept alive: a backlog queues here (and counts in the latency, which runs from the moment
// an incident was due), rather than opening thousands of sockets.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function post(url: string, key: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

if (process.argv.includes('--feed-process')) {
  const { url, key, rate, bodies, warmup } = await new Promise<{ url: string; key: string; rate: number; bodies: string[]; warmup: number }>((resolve) => process.once('message', (m) => resolve(m as never)));
  // The first `warmup` bodies are posted on the same schedule, their latencies kept apart; the server is told when
  // the measured ones begin, so that its own figures (CPU, GC, time in server) cover only those.
  const latencies: number[] = [];
  const warm: number[] = [];
  let errors = 0;
  const inflight: Promise<void>[] = [];
  const start = performance.now();
  let measuredFrom = start;
  for (let i = 0; i < bodies.length; i++) {
    // Latency counts from the moment an incident was due, so a feed held up behind a slow server is charged to it.
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (i === warmup) {
      measuredFrom = due;
      process.send!('measuring');
    }
    const into = i < warmup ? warm : latencies;
    inflight.push(
      post(url, key, bodies[i]!)
        .catch(() => 0) // a failed connection counts as an error, like any answer but 201
        .then((status) => {
          if (status !== 201 && i >= warmup) errors++;
          into.push(performance.now() - due);
        }),
    );
  }
  await Promise.all(inflight);
  process.send!({ latencies, warmupP99: warm.length ? pct(warm, 99) : null, errors, elapsedMs: performance.now() - measuredFrom } satisfies FeedResult);
  await new Promise(() => {}); // until killed
}

/** BENCH_CPU_PROFILE=path: a CPU profile of the steady phase only (seeding left out), for Chrome DevTools. */
async function startProfile() {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file: string) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      console.log(`CPU profile of the steady phase: ${file}`);
    },
  };
}

async function run(label: string, database: Database) {
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    WATCHFLOOR_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
    WATCHFLOOR_DATA_DIR: '.tmp/bench-intake',
    WATCHFLOOR_AUTO_REQUEST_TYPES: 'THEFT/OTHER,THEFT F/AUTO,MOTOR VEHICLE THEFT,ROBBERY,ASSAULT W/DANGEROUS WEAPON,BURGLARY,SEX ABUSE,HOMICIDE,ARSON',
    WATCHFLOOR_AUTO_REQUEST_MAX_PRIORITY: '5',
    WATCHFLOOR_QUIET_HOURS: '0-0',
    WATCHFLOOR_REQUESTS_PER_OWNER_WEEK: '100',
    ...(AUTO_CAMERAS ? { WATCHFLOOR_AUTO_REQUEST_MAX_CAMERAS: AUTO_CAMERAS } : {}),
  });
  const ctx = await createContext(config, { database });
  const seeded = await seed(ctx);
  const app = await buildApp(ctx, { logger: false, serveWeb: false });
  // The time each POST spends in the server, from its arrival to its response: beside the feed's latency (from the
  // moment the incident was due), it tells a tail made in the server from one made before it (the feed, the kernel).
  let served: number[] = [];
  // Where each new incident's time went inside the intake (IntakeTimings), as the server's metrics see it.
  let timings: IntakeTimings[] = [];
  ctx.incidents.onTimings((t) => timings.push(t));
  app.addHook('onRequest', (request, _reply, done) => {
    (request as { arrived?: number }).arrived = performance.now();
    done();
  });
  app.addHook('onResponse', (request, _reply, done) => {
    served.push(performance.now() - (request as { arrived?: number }).arrived!);
    done();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/api/v1/incidents`;
  const key = (await ctx.staff.createApiKey({ agencyName: 'Bench', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
  const feed = new DemoFeed(ctx.cameras, ctx.serviceArea);

  async function phase(rate: number, seconds: number) {
    const total = rate * seconds;
    const warmup = Math.round(rate * WARMUP_S);
    // Made before the clock starts; posted by the feed process, the warm-up's first.
    const bodies = Array.from({ length: warmup + total }, (_, i) => {
      const inc = feed.next();
      return JSON.stringify({ source: 'bench', externalId: `${rate}-${i}-${crypto.randomUUID()}`, type: inc.type, priority: inc.priority, occurredAt: inc.occurredFrom, location: inc.location ?? { address: 'UNKNOWN' } });
    });
    // Reset when the feed says the measured posts begin, just before the first of them (at once without a warm-up).
    // (A warm-up post still in the server then counts in `served`: a handful at most, each already late.)
    let cpu0 = process.cpuUsage();
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const gcPauses: number[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) gcPauses.push(e.duration);
    });
    const measuring = () => {
      served = [];
      timings = [];
      cpu0 = process.cpuUsage();
      loop.reset();
      loop.enable();
      gcPauses.length = 0;
      gcObserver.observe({ entryTypes: ['gc'] });
    };
    const { latencies, warmupP99, errors, elapsedMs } = await postFromFeedProcess(url, key, rate, bodies, warmup, measuring);
    const achieved = total / (elapsedMs / 1000);
    const cpu = process.cpuUsage(cpu0);
    loop.disable();
    gcObserver.disconnect();
    // Where a tail comes from: the event loop's own delays (a long synchronous stretch) and garbage collection.
    const stalls = { loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6, gcMs: gcPauses.reduce((a, b) => a + b, 0), gcMax: Math.max(0, ...gcPauses), gcOver10: gcPauses.filter((d) => d > 10).length };
    const phases = Object.fromEntries(PHASES.map((k) => [k, { p50: pct(timings.map((t) => t[k]), 50), p99: pct(timings.map((t) => t[k]), 99) }])) as Record<(typeof PHASES)[number], { p50: number; p99: number }>;
    return { rate, achieved: Math.round(achieved), warmupP99, phases, p50: pct(latencies, 50), p99: pct(latencies, 99), servedP50: pct(served, 50), servedP99: pct(served, 99), errors, cpuMs: (cpu.user + cpu.system) / 1000 / total, stalls };
  }

  const profile = process.env.BENCH_CPU_PROFILE ? await startProfile() : undefined;
  const steady = await phase(RATE, SECONDS);
  if (profile) await profile.stop(`${process.env.BENCH_CPU_PROFILE}-${label.replace(/\W+/g, '')}.cpuprofile`);
  const count = async (table: string) => ((await database.db.execute(`select count(*)::int as n from ${table}` as never)) as unknown as { rows: { n: number }[] }).rows[0]!.n;
  const requests = await count('footage_requests');
  const messages = await count('outbox');
  // The highest rate (of RATE × 2^k) held with p99 ≤ 100 ms: up from RATE when it holds, down from it when not.
  const holds = (r: { p99: number; achieved: number }, rate: number) => r.p99 <= 100 && r.achieved >= rate * 0.9;
  let sustained: number | null = holds(steady, RATE) ? RATE : null;
  const ramp: Awaited<ReturnType<typeof phase>>[] = [];
  if (RAMP && sustained !== null) {
    for (let rate = RATE * 2; rate <= 3200; rate *= 2) {
      const r = await phase(rate, 10);
      ramp.push(r);
      if (!holds(r, rate)) break;
      sustained = rate;
    }
  } else if (RAMP) {
    for (let rate = RATE / 2; rate >= 3; rate /= 2) {
      const r = await phase(rate, 10);
      ramp.push(r);
      if (holds(r, rate)) {
        sustained = rate;
        break;
      }
    }
  }
  await app.close();
  await ctx.close();
  await database.close();
  return { label, seeded, steady, requests, messages, ramp, sustained };
}

const results = [];
if (ONLY !== 'postgres') {
  // In a folder, as the server runs it (WATCHFLOOR_DATA_DIR), not in memory: its files are real files.
  rmSync(PGLITE_DIR, { recursive: true, force: true });
  const lite = await openDatabase({ dir: PGLITE_DIR });
  await migrateDatabase(lite);
  try {
    results.push(await run('PGlite', lite));
  } finally {
    rmSync(PGLITE_DIR, { recursive: true, force: true });
  }
}
const postgres = ONLY === 'pglite' ? undefined : await freshPostgres();
if (postgres) results.push(await run('PostgreSQL 15', postgres));
const ungrouped = UNGROUPED && postgres ? await freshPostgres(false) : undefined;
if (ungrouped) results.push(await run('PostgreSQL 15, statements one by one', ungrouped));

console.log(`\n${machineReference()}`);
console.log(`Incident intake: ${CAMERAS.toLocaleString('en-US')} verified cameras, ${RATE}/s for ${SECONDS} s after ${WARMUP_S} s of warm-up at the same rate (not counted), every incident auto-requests footage from the owners of its best-ranked ${AUTO_CAMERAS ?? loadConfig({}).autoRequestMaxCameras} cameras; ${POOL} connections to PostgreSQL (the server's default is ${loadConfig({}).databasePoolSize}); V8 pretenuring ${process.env.BENCH_PRETENURING === 'on' ? 'on (V8\'s default)' : 'off (as in the server)'}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.table(
  results.map((r) => ({
    database: r.label,
    'index load ms': r.seeded.ms,
    'achieved/s': r.steady.achieved,
    'p50 ms': r.steady.p50.toFixed(1),
    'p99 ms': r.steady.p99.toFixed(1),
    'warm-up p99 ms': r.steady.warmupP99?.toFixed(1) ?? 'none',
    'in server p50/p99 ms': `${r.steady.servedP50.toFixed(1)} / ${r.steady.servedP99.toFixed(1)}`,
    'CPU ms/incident': r.steady.cpuMs.toFixed(1),
    'event-loop delay p99/max ms': `${r.steady.stalls.loopP99.toFixed(1)} / ${r.steady.stalls.loopMax.toFixed(0)}`,
    'GC ms total/max, pauses > 10 ms': `${r.steady.stalls.gcMs.toFixed(0)} / ${r.steady.stalls.gcMax.toFixed(0)}, ${r.steady.stalls.gcOver10}`,
    errors: r.steady.errors,
    'requests made': r.requests,
    'outbox rows': r.messages,
    'sustained rate (p99 ≤ 100 ms)': RAMP ? (r.sustained === null ? 'none ≥ 3/s' : `${r.sustained}/s`) : 'not measured',
  })),
);
console.log('Where a new incident\'s time went in the server, ms (p50 / p99 of each part on its own; see IntakeTimings):');
console.table(results.map((r) => ({ database: r.label, ...Object.fromEntries(PHASES.map((k) => [k.replace(/Ms$/, ''), `${r.steady.phases[k].p50.toFixed(1)} / ${r.steady.phases[k].p99.toFixed(1)}`])) })));
for (const r of results) if (r.ramp.length) console.log(`${r.label} ramp:`, r.ramp.map((x) => `${x.rate}/s → achieved ${x.achieved}, p99 ${x.p99.toFixed(1)} ms`).join('; '));
console.log('Targets: p99 ≤ 25 ms on PGlite, ≤ 15 ms on PostgreSQL at 100/s.');

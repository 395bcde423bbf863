// For the index bench: the server's own start path, CameraRegistry.load, timed on the application's schema in a
// fresh process (as at server start), on PostgreSQL and on PGlite. The cameras are the bench's synthetic city,
// written as verified cameras of a few thousand owners and one agency.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { insertRows } from '../src/db/bulk.js';
import * as schema from '../src/db/schema.js';
import { CameraRegistry } from '../src/cameras/camera-registry.js';
import { tuneGarbageCollection } from '../src/platform/gc-tuning.js';
import type { CameraForIndex } from '../src/geo/camera-types.js';

export interface RegistryLoad {
  label: string;
  /** The median of three loads, each in a fresh process. */
  ms: number;
  readMs: number;
  rounds: number[];
  seedS: number;
}

const PG_DB = 'wf_bench_registry';
const LITE_DIR = fileURLToPath(new URL('./out/wf-bench-registry-pglite', import.meta.url));
const pgUrl = (base: string, db: string) => {
  const u = new URL(base);
  u.pathname = `/${db}`;
  return u.toString();
};

export async function seed(database: Database, cameras: readonly CameraForIndex[]): Promise<void> {
  await migrateDatabase(database);
  const db = database.db;
  const [agency] = await db.insert(schema.agencies).values({ name: 'City', kind: 'local' }).returning();
  const now = new Date();
  for (let i = 0; i < cameras.length; i += 20_000) {
    const slice = cameras.slice(i, i + 20_000);
    // City cameras belong to the agency; the others to owners of up to four cameras each.
    const owners = Array.from({ length: Math.ceil(slice.length / 4) }, (_, j) => ({ id: crypto.randomUUID(), name: `Owner ${i + j}`, email: `o${i + j}@example.invalid`, kind: 'resident' as const, consentVersion: 'v1', consentAt: now }));
    await db.transaction(async (tx) => {
      await insertRows(tx, schema.owners, owners);
      await insertRows(
        tx,
        schema.cameras,
        slice.map((c, j) => ({
          id: c.id,
          ownerId: c.tier === 'city' ? null : owners[Math.floor(j / 4)]!.id,
          agencyId: c.tier === 'city' ? agency!.id : null,
          lat: c.lat,
          lng: c.lng,
          kind: c.fovDeg === 360 ? ('ptz' as const) : ('fixed' as const),
          bearingDeg: c.bearingDeg,
          fovDeg: c.fovDeg,
          rangeM: c.rangeM,
          retentionDays: 30,
          tier: c.tier === 'integrated' ? ('integrated' as const) : ('registered' as const),
          status: 'verified' as const,
          source: 'import' as const,
          createdAt: now,
          updatedAt: now,
        })),
      );
    });
  }
  // Settled, as a database is when a server starts: statistics up to date, the seeding's dirty pages written out.
  if (database.kind === 'postgres') {
    await db.execute('vacuum analyze cameras' as never);
    await db.execute('checkpoint' as never);
  } else await db.execute('checkpoint' as never);
}

/** Child-process mode: open the seeded database and time the load, as a starting server does. */
export async function measureRegistryLoad(source: string, postgresBase: string): Promise<{ ms: number; readMs: number; cameras: number }> {
  tuneGarbageCollection(); // as src/main.ts does at the start of a server
  const database = source === 'postgres' ? await openDatabase({ url: pgUrl(postgresBase, PG_DB), poolSize: 2 }) : await openDatabase({ dir: LITE_DIR });
  try {
    return await new CameraRegistry().load(database.db);
  } finally {
    await database.close();
  }
}

/** Seeds each database in turn, times CameraRegistry.load in a fresh child process, then drops it. */
export async function registryLoads(cameras: readonly CameraForIndex[], opts: { postgres?: string | undefined; pglite: boolean; script: string; execArgv: string[] }): Promise<RegistryLoad[]> {
  const out: RegistryLoad[] = [];
  const once = (source: string) => {
    const args = [...opts.execArgv, opts.script, '--measure-registry', source, '--postgres', opts.postgres ?? ''];
    const r = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop()!) as { ms: number; readMs: number; cameras: number };
    if (r.cameras !== cameras.length) throw new Error(`${source}: loaded ${r.cameras} cameras, expected ${cameras.length}`);
    return r;
  };
  // Three fresh processes (this machine is shared; one start can be slowed by others), the median reported.
  const child = (source: string) => {
    const runs = [once(source), once(source), once(source)].sort((a, b) => a.ms - b.ms);
    return { ms: runs[1]!.ms, readMs: runs[1]!.readMs, rounds: runs.map((r) => r.ms) };
  };
  if (opts.postgres) {
    const admin = new pg.Client({ connectionString: opts.postgres });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${PG_DB}`);
      const t0 = performance.now();
      const database = await openDatabase({ url: pgUrl(opts.postgres, PG_DB), poolSize: 2 });
      await seed(database, cameras).finally(() => database.close());
      const seedS = (performance.now() - t0) / 1000;
      out.push({ label: 'PostgreSQL, CameraRegistry.load', ...child('postgres'), seedS });
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${PG_DB} WITH (FORCE)`);
      await admin.end();
    }
  }
  if (opts.pglite) {
    rmSync(LITE_DIR, { recursive: true, force: true });
    try {
      const t0 = performance.now();
      const database = await openDatabase({ dir: LITE_DIR });
      await seed(database, cameras).finally(() => database.close());
      const seedS = (performance.now() - t0) / 1000;
      out.push({ label: 'PGlite, CameraRegistry.load', ...child('pglite'), seedS });
    } finally {
      rmSync(LITE_DIR, { recursive: true, force: true });
    }
  }
  return out;
}

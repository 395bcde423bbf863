// A database made by an earlier release keeps its data through the migrations that came after: here, incidents'
// ranked cameras stored a row per camera (up to migration 0008) become one list per incident (0009, 0010) with the
// same cameras in the same order, on PGlite and on PostgreSQL.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrateDatabase, type Database } from '../src/db/client.js';
import * as cameraRepo from '../src/cameras/camera.repository.js';
import * as incidentRepo from '../src/incidents/incident.repository.js';
import { incidents } from '../src/db/schema.js';
import { testDatabases } from './support/databases.js';

/** A copy of the project's migrations up to and including `lastTag`, as a release of then shipped them. */
function migrationsUpTo(lastTag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-migrations-'));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag}`);
  journal.entries = journal.entries.slice(0, last + 1);
  fs.mkdirSync(path.join(dir, 'meta'));
  fs.writeFileSync(path.join(dir, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_DIR, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

describe.each(testDatabases)('migrating an earlier database on $name', (kind) => {
  let database: Database;
  let folder: string;
  const now = new Date('2026-10-06T18:00:00Z');
  const camerasIds = Array.from({ length: 5 }, () => crypto.randomUUID());
  const busy = crypto.randomUUID();
  const quiet = crypto.randomUUID();

  beforeAll(async () => {
    folder = migrationsUpTo('0008_camera_index_fields');
    database = await kind.open(folder);
    const db = database.db;
    const owner = { id: crypto.randomUUID(), name: 'Owner', email: 'o@example.org', kind: 'resident' as const, consentVersion: 'v1', consentAt: now };
    await cameraRepo.insertOwners(db, [owner]);
    await cameraRepo.insertCameras(
      db,
      camerasIds.map((id, i) => ({ id, ownerId: owner.id, lat: 38.9 + i / 1000, lng: -77.03, kind: 'fixed' as const, bearingDeg: 90, fovDeg: 90, rangeM: 40, retentionDays: 30, tier: 'registered' as const, status: 'verified' as const, source: 'import' as const, createdAt: now, updatedAt: now })),
    );
    for (const [id, externalId] of [[busy, 'CAD-1'], [quiet, 'CAD-2']] as const) {
      await db.insert(incidents).values({ id, source: 'cad', externalId, type: 'THEFT/OTHER', priority: 2, occurredFrom: now, lat: 38.9, lng: -77.03, accuracyM: 20, createdAt: now, updatedAt: now });
    }
    // As 0003–0008 stored them: a row per camera, ranked. Written out of rank order, as nothing promised an order.
    for (const rank of [3, 1, 5, 2, 4]) {
      await db.execute(
        sql`insert into incident_matches (incident_id, camera_id, rank, distance_m, faces_area, score, computed_at) values (${busy}, ${camerasIds[rank - 1]!}, ${rank}, ${rank * 10.5}, ${rank % 2 === 1}, ${1 / rank}, ${now.toISOString()})`,
      );
    }
    await migrateDatabase(database);
  });

  afterAll(async () => {
    await database?.close();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('keeps every incident’s ranked cameras, in rank order, with their distances, facing and scores', async () => {
    const matches = await incidentRepo.matchesOf(database.db, busy);
    expect(matches.map((m) => m.cameraId)).toEqual(camerasIds);
    expect(matches.map((m) => m.rank)).toEqual([1, 2, 3, 4, 5]);
    expect(matches.map((m) => m.distanceM)).toEqual([10.5, 21, 31.5, 42, 52.5]);
    expect(matches.map((m) => m.facesArea)).toEqual([true, false, true, false, true]);
    expect(matches.map((m) => m.score)).toEqual([1, 1 / 2, 1 / 3, 1 / 4, 1 / 5]);
    expect(matches.every((m) => m.computedAt.getTime() === now.getTime() && m.incidentId === busy)).toBe(true);
    expect(await incidentRepo.matchesOf(database.db, quiet)).toEqual([]);
    const listed = await incidentRepo.listIncidents(database.db, {}, 10);
    expect(Object.fromEntries(listed.map((i) => [i.id, i.matchCount]))).toEqual({ [busy]: 5, [quiet]: 0 });
  });

  it('drops the old table', async () => {
    const { rows } = (await database.db.execute(sql`select to_regclass('incident_matches') as t`)) as unknown as { rows: { t: string | null }[] };
    expect(rows[0]!.t).toBeNull();
  });
});

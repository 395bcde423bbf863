// The camera index is built at start from the verified cameras' packed fields (migration 0008): it must read exactly
// what the row-by-row SELECT reads, on PGlite and on PostgreSQL, after edits too.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import * as cameraRepo from '../src/cameras/camera.repository.js';
import { CameraRegistry } from '../src/cameras/camera-registry.js';
import { eq } from 'drizzle-orm';
import { agencies, cameras } from '../src/db/schema.js';
import { testDatabases } from './support/databases.js';

describe.each(testDatabases)('loading the camera index on $name', (kind) => {
  let database: Database;
  const now = new Date('2026-10-06T18:00:00Z');

  beforeAll(async () => {
    database = await kind.open();
    const db = database.db;
    const [agency] = await db.insert(agencies).values({ name: 'Metro PD', kind: 'local' }).returning();
    const owners = Array.from({ length: 40 }, (_, i) => ({ id: crypto.randomUUID(), name: `Owner ${i}`, email: `o${i}@example.org`, kind: 'resident' as const, consentVersion: 'v1', consentAt: now }));
    await cameraRepo.insertOwners(db, owners);
    const statuses = ['verified', 'verified', 'verified', 'pending', 'paused'] as const;
    await cameraRepo.insertCameras(
      db,
      Array.from({ length: 300 }, (_, i) => ({
        ownerId: i % 7 === 0 ? null : owners[i % owners.length]!.id,
        agencyId: i % 7 === 0 ? agency!.id : null,
        lat: 38.8 + i / 1000,
        lng: -77.1 + i / 3000,
        kind: (['doorbell', 'fixed', 'dome', 'ptz'] as const)[i % 4]!,
        bearingDeg: (i * 37.5) % 360,
        fovDeg: i % 4 === 3 ? 360 : 90.25,
        rangeM: 10 + (i % 50),
        retentionDays: i % 31,
        tier: i % 3 === 0 ? 'integrated' : 'registered',
        status: statuses[i % statuses.length]!,
        source: 'import',
        declinedKindsMask: i % 5 === 1 ? 0b101 : 0,
        createdAt: now,
        updatedAt: now,
      })),
    );
  });
  afterAll(async () => {
    await database.close();
  });

  const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

  it('reads by binary COPY exactly what a SELECT reads, inside a transaction too', async () => {
    const selected: cameraRepo.IndexRow[] = [];
    for await (const page of cameraRepo.verifiedCameras(database.db, 50)) selected.push(...page);
    expect(selected).toHaveLength(180);
    const copied = await cameraRepo.verifiedCamerasForIndex(database.db);
    expect(byId(copied)).toEqual(byId(selected));
    expect(copied.some((c) => c.ownerId === null) && copied.some((c) => c.declinedKindsMask === 0b101)).toBe(true);
    const inTx = await database.db.transaction((tx) => cameraRepo.verifiedCamerasForIndex(tx));
    expect(byId(inTx)).toEqual(byId(selected));
  });

  it('reads a camera as it is after an edit (the packed fields follow every column)', async () => {
    const [one] = await database.db.select().from(cameras).where(eq(cameras.status, 'verified')).limit(1);
    await database.db.update(cameras).set({ lat: 38.9123456789, bearingDeg: 359.5, retentionDays: 45, declinedKindsMask: 0b11, ownerId: null }).where(eq(cameras.id, one!.id));
    const copied = (await cameraRepo.verifiedCamerasForIndex(database.db)).find((c) => c.id === one!.id);
    expect(copied).toMatchObject({ lat: 38.9123456789, bearingDeg: 359.5, retentionDays: 45, declinedKindsMask: 0b11, ownerId: null });
    const selected: cameraRepo.IndexRow[] = [];
    for await (const page of cameraRepo.verifiedCameras(database.db, 50)) selected.push(...page);
    expect(byId(await cameraRepo.verifiedCamerasForIndex(database.db))).toEqual(byId(selected));
  });

  it('builds the index from it: every verified camera can be found, no other', async () => {
    const registry = new CameraRegistry();
    const loaded = await registry.load(database.db);
    expect(loaded.cameras).toBe(180);
    const all = [...registry.index.cameras()];
    expect(all).toHaveLength(180);
    const one = all.find((c) => c.ownerId !== null && c.fovDeg === 360)!;
    const found = registry.index.findCamerasThatCouldSee({ lat: one.lat, lng: one.lng, accuracyM: 0 }, 50);
    expect(found.map((m) => m.camera.id)).toContain(one.id);
  });

  it('reads the owners of cameras stored side by side, each its own (runs of one owner share a string)', async () => {
    const ownerRows = Array.from({ length: 3 }, (_, i) => ({ id: crypto.randomUUID(), name: `Run ${i}`, email: `run${i}@example.org`, kind: 'business' as const, consentVersion: 'v1', consentAt: now }));
    await cameraRepo.insertOwners(database.db, ownerRows);
    // Owner A's three cameras, then B's one, then A's again: stored in this order by one insert.
    const order = [0, 0, 0, 1, 0, 2, 2];
    const made = await cameraRepo.insertCameras(
      database.db,
      order.map((o, i) => ({ ownerId: ownerRows[o]!.id, lat: 38.95 + i / 10_000, lng: -77.0, kind: 'fixed' as const, bearingDeg: 0, fovDeg: 90, rangeM: 30, retentionDays: 14, tier: 'registered' as const, status: 'verified' as const, source: 'import' as const, createdAt: now, updatedAt: now })),
    );
    const byCamera = new Map((await cameraRepo.verifiedCamerasForIndex(database.db)).map((c) => [c.id, c.ownerId]));
    expect(made.map((c) => byCamera.get(c.id))).toEqual(order.map((o) => ownerRows[o]!.id));
  });
});

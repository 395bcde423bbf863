// The demo's synthetic incidents, and the day of them it writes in Open Data DC's crime layout and plays as its
// live feed: the intake accepts them, and the matcher finds cameras for most.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { DemoFeed } from '../src/incidents/demo-feed.js';
import { seedDemoAccounts } from '../src/demo/demo-accounts.js';
import { seedDemoCameras } from '../src/demo/demo-cameras.js';
import { DC_CRIME_COLUMNS, writeDemoCrimeFile } from '../src/demo/demo-crime-file.js';
import { decodeIncidentFile } from '../src/incidents/incident-files.js';
import { FeedReplayer } from '../src/incidents/feed-replayer.js';
import { testDatabases } from './support/databases.js';
import { makeTestApp, type TestApp } from './support/app.js';

describe('the demo', () => {
  let database: Database;
  let sut: TestApp;
  const clock = new ManualClock('2026-09-01T12:00:00Z');

  beforeAll(async () => {
    database = await testDatabases[0]!.open();
    sut = await makeTestApp(database, { clock, config: { dataDir: '.tmp/demo-test' } });
    await seedDemoAccounts(sut.ctx);
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  it('generates a registry inside the service area, mostly verified, with a few waiting for review', async () => {
    const added = await seedDemoCameras(sut.ctx, 3000, 5);
    expect(added).toBe(3005);
    expect(sut.ctx.cameras.index.size).toBeGreaterThan(2995);
    expect(await seedDemoCameras(sut.ctx, 3000, 5)).toBe(0); // only once
    const queue = await sut.ctx.reviews.queue({ actorType: 'system', actorName: 'test' }, 50);
    expect(queue.length).toBeGreaterThan(0);
  });

  it('feeds incidents that the intake accepts and the matcher finds cameras for', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const feed = new DemoFeed(sut.ctx.cameras, sut.ctx.serviceArea, { random, now: () => clock.now() });
    let matched = 0;
    for (let i = 0; i < 40; i++) {
      const r = await sut.ctx.incidents.ingest(feed.next(), { actorType: 'system', actorName: 'demo feed' });
      expect(r.created).toBe(true);
      if (r.matchCount > 0) matched++;
    }
    expect(matched).toBeGreaterThan(10);
  });

  it("writes a day of incidents in DC's crime layout that decodes without a rejected row and plays into the intake", async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wf-demo-feed-')), 'crime-incidents.csv');
    const endMs = Date.parse('2026-09-01T12:00:00Z');
    expect(writeDemoCrimeFile(file, new DemoFeed(sut.ctx.cameras, sut.ctx.serviceArea, { random }), { endMs, count: 200, random })).toBe(200);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe(DC_CRIME_COLUMNS.join(','));
    const decoded = decodeIncidentFile(text, file, clock.now());
    expect(decoded.format).toBe('csv');
    expect(decoded.fileErrors).toEqual([]);
    expect(decoded.rows.filter((r) => r.errors.length > 0)).toEqual([]);
    const incidents = decoded.rows.map((r) => r.incident!);
    expect(new Set(incidents.map((i) => i.externalId)).size).toBe(200);
    for (const i of incidents) {
      expect(Date.parse(i.occurredFrom)).toBeGreaterThanOrEqual(endMs - 86_400_000);
      expect(Date.parse(i.occurredFrom)).toBeLessThan(endMs);
      if (i.location) expect(sut.ctx.serviceArea.contains(i.location.lat, i.location.lng)).toBe(true);
    }
    expect(incidents.filter((i) => i.location).length).toBeGreaterThan(150);
    // The offense mix: thefts most, some violence.
    const types = incidents.map((i) => i.type);
    expect(types.filter((t) => t.startsWith('THEFT')).length).toBeGreaterThan(80);
    expect(types.filter((t) => ['ROBBERY', 'ASSAULT W/DANGEROUS WEAPON', 'HOMICIDE', 'SEX ABUSE'].includes(t)).length).toBeGreaterThan(5);

    // Played back into the intake, as the demo does (the first 20, at full speed).
    const results: { created: boolean; matchCount: number }[] = [];
    const errors: unknown[] = [];
    const replayer = new FeedReplayer(incidents.slice(0, 20), async (i) => results.push(await sut.ctx.incidents.ingest(i, { actorType: 'system', actorName: 'demo feed' })), { speed: 1e9, now: () => clock.now(), onError: (_i, err) => errors.push(err) });
    replayer.start();
    await replayer.finished;
    expect(errors).toEqual([]);
    expect(results).toHaveLength(20);
    expect(results.every((r) => r.created)).toBe(true);
    expect(results.filter((r) => r.matchCount > 0).length).toBeGreaterThan(5);
  });
});

// The demo's synthetic CAD feed produces incidents the intake accepts, and the matcher finds cameras for most.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { DemoFeed } from '../src/incidents/demo-feed.js';
import { seedDemoAccounts } from '../src/demo/demo-accounts.js';
import { seedDemoCameras } from '../src/demo/demo-cameras.js';
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
    const feed = new DemoFeed(sut.ctx.incidents, sut.ctx.cameras, sut.ctx.serviceArea, { actorType: 'system', actorName: 'demo feed' }, { random, now: () => clock.now() });
    let matched = 0;
    for (let i = 0; i < 40; i++) {
      const r = await sut.ctx.incidents.ingest(feed.next(), { actorType: 'system', actorName: 'demo feed' });
      expect(r.created).toBe(true);
      if (r.matchCount > 0) matched++;
    }
    expect(matched).toBeGreaterThan(10);
  });
});

// The demo's synthetic owners: each request of a demo owner gets the answer its id decides, after its delay;
// real owners are never answered for.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { DemoResponder, demoAnswerOf } from '../src/demo/demo-responder.js';
import { evidenceOfRequest } from '../src/evidence/evidence.repository.js';
import { testDatabases } from './support/databases.js';
import { makeTestApp, type TestApp } from './support/app.js';

// Twelve synthetic owners on one block, and one real resident.
const rows = Array.from({ length: 12 }, (_, i) => `demo-${i},38.9000,${(-77.03 - i * 0.00002).toFixed(5)},ptz,,360,60,30,owner${i}@example.invalid,Demo owner ${i},resident`);
const CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
${rows.join('\n')}
real-1,38.9000,-77.0301,ptz,,360,60,30,resident@example.org,A resident,resident
`;

describe('demo owners', () => {
  let database: Database;
  let sut: TestApp;
  const clock = new ManualClock('2026-10-06T18:00:00Z');
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-demo-clips-'));

  beforeAll(async () => {
    database = await testDatabases[0]!.open();
    sut = await makeTestApp(database, { clock, config: { quietHours: '0-0' } });
    await sut.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR);
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  it('share, decline or stay silent as each request id decides, once its delay has passed', async () => {
    const { incident } = await sut.ctx.incidents.ingest(
      { source: 'cad', externalId: 'D-1', type: 'ROBBERY', priority: 2, occurredFrom: new Date(clock.now().getTime() - 20 * 60_000).toISOString(), occurredTo: null, location: { lat: 38.9, lng: -77.0301, accuracyM: 10 }, address: null },
      CLI_ACTOR,
    );
    const outcomes = await sut.ctx.requests.request({ incidentId: incident.id, purposeCode: 'criminal-investigation', reason: 'A robbery was reported on this block.' }, CLI_ACTOR);
    expect(outcomes.filter((o) => o.outcome === 'requested')).toHaveLength(13);
    await sut.ctx.requests.housekeeping(); // marks them sent
    const responder = new DemoResponder(database.db, sut.ctx.evidence, clock, pino({ level: 'silent' }), { workDir });

    // Before any delay has passed nobody answers.
    expect(await responder.tick()).toEqual({ shared: 0, declined: 0 });
    clock.advance(60_000);
    const done = await responder.tick();
    await sut.ctx.evidence.settle();

    const byOwner = new Map(outcomes.map((o) => [o.requestId!, o.ownerId]));
    const realOwner = (await database.db.execute(`select id from owners where email = 'resident@example.org'` as never)) as unknown as { rows: { id: string }[] };
    let expectShared = 0;
    let expectDeclined = 0;
    for (const [requestId, ownerId] of byOwner) {
      const status = ((await database.db.execute(`select status from footage_requests where id = '${requestId}'` as never)) as unknown as { rows: { status: string }[] }).rows[0]!.status;
      const evidence = await evidenceOfRequest(database.db, requestId);
      if (ownerId === realOwner.rows[0]!.id) {
        expect(status).toBe('sent');
        expect(evidence).toHaveLength(0);
        continue;
      }
      const { answer } = demoAnswerOf(requestId);
      if (answer === 'share') {
        expectShared++;
        expect(evidence).toHaveLength(1);
        expect(evidence[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(evidence[0]!.coverageWarning).toBeNull();
      } else if (answer === 'decline') {
        expectDeclined++;
        expect(status).toBe('declined');
      } else {
        expect(status).toBe('sent');
        expect(evidence).toHaveLength(0);
      }
    }
    expect(done).toEqual({ shared: expectShared, declined: expectDeclined });
    // A second pass does nothing twice.
    expect(await responder.tick()).toEqual({ shared: 0, declined: 0 });
  });

  it('decides about half share and a fifth decline', () => {
    const answers = Array.from({ length: 4000 }, (_, i) => demoAnswerOf(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).answer);
    const share = answers.filter((a) => a === 'share').length / answers.length;
    const decline = answers.filter((a) => a === 'decline').length / answers.length;
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
    expect(decline).toBeGreaterThan(0.16);
    expect(decline).toBeLessThan(0.24);
  });
});

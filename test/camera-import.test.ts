// Bulk import and export of cameras (C5).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { normaliseRow, parseRecords } from '../src/cameras/camera-import.js';
import { loadServiceArea } from '../src/geo/service-area.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, TEST_SECRET_KEY, type SignedIn, type TestApp } from './support/app.js';
import { runCli } from './support/process.js';

const CSV = `external_ref,label,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days
cctv-1,14th & U,38.9170,-77.0319,cctv,,360,80,30
cctv-2,Navy Yard,38.8765,-77.0031,ptz,,,100,30
traffic-7,Speed camera NY Ave,38.9139,-76.9810,traffic,45,60,60,
`;

const BAD_CSV = `${CSV}cctv-9,Baltimore,39.2904,-76.6122,cctv,,360,80,30
cctv-10,No kind,38.90,-77.03,helicopter,,,,
cctv-11,,not-a-number,-77.03,cctv,,,,
`;

describe('row checks', () => {
  const area = loadServiceArea(undefined);
  it('never throws on arbitrary rows, and accepts only rows it can fully read', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('external_ref', 'lat', 'lng', 'kind', 'bearing_deg', 'fov_deg', 'range_m', 'retention_days', 'tier', 'owner_email'), fc.oneof(fc.string(), fc.double().map(String))), (raw) => {
        const { row, errors } = normaliseRow(raw, area, true);
        if (row) {
          expect(errors).toEqual([]);
          expect(area.contains(row.lat, row.lng)).toBe(true);
          expect(row.fovDeg).toBeGreaterThanOrEqual(1);
          expect(row.bearingDeg).toBeGreaterThanOrEqual(0);
          expect(row.bearingDeg).toBeLessThan(360);
        } else expect(errors.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('reads GeoJSON points and reports other geometries', () => {
    const records = parseRecords(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [-77.03, 38.9] }, properties: { id: 'a' } }, { type: 'Feature', geometry: { type: 'LineString', coordinates: [] }, properties: { id: 'b' } }] }), 'geojson');
    expect(records[0]).toMatchObject({ id: 'a', lat: 38.9, lng: -77.03 });
    expect(records[1]).toMatchObject({ __geometry: 'LineString' });
  });
});

describe.each(testDatabases)('camera import and export on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let admin: SignedIn;

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { config: { loginRateLimitPerMinute: 1000 } });
    await sut.ctx.staff.createAgency('DDOT', 'local', CLI_ACTOR);
    admin = await createAndSignIn(sut, ['admin']);
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  const importCsv = (body: string, qs: string) => sut.app.inject({ method: 'POST', url: `/api/v1/cameras/import?${qs}`, payload: body, headers: { ...admin.headers, 'content-type': 'text/csv' } });

  it('refuses a file with bad rows as a whole, with a report naming each', async () => {
    const res = await importCsv(BAD_CSV, 'agency=DDOT');
    expect(res.statusCode).toBe(422);
    const r = res.json();
    expect(r).toMatchObject({ rows: 6, rejected: 3, created: 0, imported: false });
    expect(r.report[3].errors[0]).toMatch(/outside the service area/);
    expect(r.report[4].errors[0]).toMatch(/kind "helicopter"/);
    expect(r.report[5].errors.join()).toMatch(/lat "not-a-number" is not a number/);
    expect(sut.ctx.cameras.index.size).toBe(0);
  });

  it('imports the good rows when asked, verified and indexed, and updates on a second import', async () => {
    const res = await importCsv(BAD_CSV, 'agency=DDOT&partial=true');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: 3, rejected: 3, imported: true });
    expect(sut.ctx.cameras.index.size).toBe(3);
    const again = await importCsv(CSV.replace('14th & U', '14th and U'), 'agency=DDOT');
    expect(again.json()).toMatchObject({ created: 0, updated: 3 });
    expect(sut.ctx.cameras.index.size).toBe(3);
    const near = sut.ctx.cameras.index.findCamerasThatCouldSee({ lat: 38.917, lng: -77.0315, accuracyM: 10 }, 250);
    expect(near.map((m) => m.camera.tier)).toEqual(['city']);
  });

  it('exports GeoJSON without owner details or stream secrets, and audits the export', async () => {
    const res = await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/export.geojson', headers: { cookie: admin.cookie } });
    const doc = res.json();
    expect(doc.type).toBe('FeatureCollection');
    expect(doc.features).toHaveLength(3);
    expect(doc.features[0].geometry.type).toBe('Point');
    expect(doc.features.map((f: { properties: { externalRef: string } }) => f.properties.externalRef).sort()).toEqual(['cctv-1', 'cctv-2', 'traffic-7']);
    expect(res.body).not.toMatch(/stream_url|Enc"|email/);
  });
});

describe('npx watchfloor import cameras', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-import-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports rejected rows and imports nothing from a bad file, then imports a good one', async () => {
    const env = { WATCHFLOOR_DATA_DIR: dir, WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY };
    await runCli(['apikey', 'add', '--agency', 'DDOT', '--role', 'operator'], env);
    fs.writeFileSync(path.join(dir, 'bad.csv'), BAD_CSV);
    const bad = await runCli(['import', 'cameras', path.join(dir, 'bad.csv'), '--agency', 'DDOT'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('row 4 (cctv-9): (39.2904, -76.6122) is outside the service area');
    expect(bad.stdout).toContain('6 rows: 0 created, 0 updated, 3 rejected; NOT imported');
    fs.writeFileSync(path.join(dir, 'good.csv'), CSV);
    const good = await runCli(['import', 'cameras', path.join(dir, 'good.csv'), '--agency', 'DDOT'], env);
    expect(good.stdout).toContain('3 rows: 3 created, 0 updated, 0 rejected; imported');
    expect(good.code).toBe(0);
  });
});

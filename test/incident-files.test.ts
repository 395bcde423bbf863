// Feeds in the formats cities and PSAPs really send: the DC open-data layout and NENA EIDO.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { decodeIncidentFile, replaySchedule } from '../src/incidents/incident-files.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { testDatabases } from './support/databases.js';
import { makeTestApp, TEST_SECRET_KEY, type TestApp } from './support/app.js';
import { runCli } from './support/process.js';

const SHARED = path.resolve(import.meta.dirname, '../../shared/data');
const DC_2024 = path.join(SHARED, 'dc/crime/dc_crime_incidents_2024_partial.csv');
const EIDO_DRAFT = path.join(SHARED, 'eido/sample_EIDO_2020_draft.json');

const HEADER = 'X,Y,CCN,REPORT_DAT,SHIFT,METHOD,OFFENSE,BLOCK,XBLOCK,YBLOCK,WARD,ANC,DISTRICT,PSA,NEIGHBORHOOD_CLUSTER,BLOCK_GROUP,CENSUS_TRACT,VOTING_PRECINCT,LATITUDE,LONGITUDE,BID,START_DATE,END_DATE,OBJECTID,OCTO_RECORD_ID';
const SMALL_CSV = `\ufeff${HEADER}
-77.0319,38.9170,26000001,2026/01/10 11:08:25+00,DAY,OTHERS,ROBBERY,1200 - 1299 BLOCK OF U STREET NW,397222,138660,1,1B,3,305,Cluster 3,,,,38.9170,-77.0319,,2026/01/10 10:50:00+00,2026/01/10 10:55:00+00,1,
-77.0031,38.8765,26000002,2026/01/10 12:00:00+00,EVENING,GUN,HOMICIDE,1000 - 1099 BLOCK OF 1ST STREET SE,399729,134244,6,6D,1,106,Cluster 27,,,,38.8765,-77.0031,,2026/01/10 11:40:00+00,1970/01/01 00:00:00+00,2,
,,26000003,not a date,DAY,OTHERS,THEFT/OTHER,SOMEWHERE,,,,,,,,,,,,,,,,3,
`;

describe('incident files', () => {
  it('decodes the DC layout with a per-row report', () => {
    const r = decodeIncidentFile(SMALL_CSV, 'crimes.csv', new Date('2026-02-01T00:00:00Z'));
    expect(r.rows).toHaveLength(3);
    expect(r.rows[0]!.incident).toMatchObject({ source: 'dc-crime', externalId: '26000001', type: 'ROBBERY', priority: 2, occurredFrom: '2026-01-10T10:50:00.000Z', occurredTo: '2026-01-10T10:55:00.000Z', location: { accuracyM: 100 } });
    expect(r.rows[1]!.incident).toMatchObject({ priority: 1, occurredTo: null });
    expect(r.rows[2]!.errors.join()).toMatch(/REPORT_DAT|START_DATE|date/);
  });

  it('re-bases a recorded feed onto now, keeping its order and spacing at the chosen speed', () => {
    const r = decodeIncidentFile(SMALL_CSV, 'crimes.csv', new Date('2026-02-01T00:00:00Z'));
    const now = new Date('2026-11-26T12:00:00Z');
    const schedule = replaySchedule(r.rows.flatMap((x) => (x.incident ? [x.incident] : [])), 60, now);
    // 10:50 → 11:40 is 50 minutes; at 60× the second incident follows 50 s after the first.
    expect(schedule.map(([d]) => d)).toEqual([0, 50_000]);
    expect(schedule[0]![1].occurredFrom).toBe('2026-11-26T11:55:00.000Z');
  });

  it.skipIf(!fs.existsSync(DC_2024))('decodes every row of the real 2024 DC file (skipped when ../shared/data is absent)', () => {
    const r = decodeIncidentFile(fs.readFileSync(DC_2024, 'utf8'), DC_2024);
    const ok = r.rows.filter((x) => x.incident).length;
    expect(ok / r.rows.length).toBeGreaterThan(0.99);
  });
});

describe.each(testDatabases)('incident file and EIDO intake on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { clock: { now: () => new Date('2026-02-01T00:00:00Z') } });
    apiKey = (await sut.ctx.staff.createApiKey({ agencyName: 'PSAP', name: 'EIDO feed', role: 'operator' }, CLI_ACTOR)).key;
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  const eido = (over: Record<string, unknown> = {}) => ({
    $id: 'urn:emergency:uid:incidentid:abc123:psap.dc.gov',
    eidoVersion: '1.0',
    lastUpdateTimeStamp: '2026-01-31T23:40:00Z',
    incidentComponent: [{ $id: 'abc123', incidentTypeCommonRegistryText: 'ROBBERY', incidentCommonPriorityNumber: 8, lastUpdateTimeStamp: '2026-01-31T23:40:00Z' }],
    locationComponent: [
      {
        $id: 'loc-1',
        locationTypeDescriptionRegistryText: 'Incident',
        locationByValue:
          '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" xmlns:gs="http://www.opengis.net/pidflo/1.0" xmlns:gml="http://www.opengis.net/gml"><gp:geopriv><gp:location-info><gs:Circle srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>38.9000 -77.0300</gml:pos><gs:radius uom="urn:ogc:def:uom:EPSG::9001">35</gs:radius></gs:Circle></gp:location-info></gp:geopriv></presence>',
      },
    ],
    personComponent: [{ $id: 'p1' }],
    ...over,
  });

  it('takes an EIDO document, maps its PIDF-LO circle, and says what it ignored', async () => {
    const res = await sut.app.inject({ method: 'POST', url: '/api/v1/incidents/eido', headers: { authorization: `Bearer ${apiKey}` }, payload: eido() });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().incident).toMatchObject({ source: 'eido', type: 'ROBBERY', location: { lat: 38.9, lng: -77.03, accuracyM: 35 } });
    expect(res.json().ignored).toContain('personComponent');
    const again = await sut.app.inject({ method: 'POST', url: '/api/v1/incidents/eido', headers: { authorization: `Bearer ${apiKey}` }, payload: eido() });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(res.json().id);
  });

  it('refuses a garbled EIDO document with the reasons', async () => {
    const res = await sut.app.inject({ method: 'POST', url: '/api/v1/incidents/eido', headers: { authorization: `Bearer ${apiKey}` }, payload: { eidoVersion: 7, incidentComponent: 'nope' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/EIDO document cannot be used/);
  });

  it.skipIf(!fs.existsSync(EIDO_DRAFT))('takes NENA’s own 2020 draft sample (skipped when ../shared/data is absent)', async () => {
    const doc = JSON.parse(fs.readFileSync(EIDO_DRAFT, 'utf8'));
    const res = await sut.app.inject({ method: 'POST', url: '/api/v1/incidents/eido', headers: { authorization: `Bearer ${apiKey}` }, payload: doc });
    // Its location is in Pittsburgh, outside this service area: a clear 400, not a 500.
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/outside the service area/);
  });
});

describe('npx watchfloor import incidents', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-incidents-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports the good rows, reports the bad, and updates on a second import', async () => {
    const env = { WATCHFLOOR_DATA_DIR: dir, WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY };
    const file = path.join(dir, 'crimes.csv');
    fs.writeFileSync(file, SMALL_CSV);
    const first = await runCli(['import', 'incidents', file], env);
    expect(first.stdout).toMatch(/row 3: /);
    expect(first.stdout).toContain('3 rows (csv): 2 created, 0 updated, 1 rejected');
    fs.writeFileSync(file, SMALL_CSV.replace('ROBBERY', 'ROBBERY (GUN)'));
    const second = await runCli(['import', 'incidents', file], env);
    expect(second.stdout).toContain('3 rows (csv): 0 created, 1 updated, 1 rejected');
  });
});

// Districts and wards over HTTP: the floor's map gets them, and incidents without a district get the one they fall in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';

describe('districts and wards', () => {
  let database: Database;
  let sut: TestApp;
  let operator: SignedIn;
  let apiKey: string;

  beforeAll(async () => {
    database = await testDatabases[0]!.open();
    sut = await makeTestApp(database);
    operator = await createAndSignIn(sut, ['operator']);
    apiKey = (await sut.ctx.staff.createApiKey({ agencyName: 'County 911', name: 'CAD feed', role: 'operator' }, CLI_ACTOR)).key;
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  it('serves the service area, districts and wards as GeoJSON to signed-in staff only', async () => {
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/areas' })).statusCode).toBe(401);
    const res = await sut.app.inject({ method: 'GET', url: '/api/v1/areas', headers: { cookie: operator.cookie } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.serviceArea.type).toBe('Feature');
    expect(body.districts.type).toBe('FeatureCollection');
    expect(body.districts.features).toHaveLength(7);
    expect(body.wards.features).toHaveLength(8);
    expect(body.districts.source).toBe('generated');
    expect(body.districts.features[0].properties).toEqual({ id: '1', name: 'District 1' });
  });

  it('gives an incident without a district the district and ward it falls in, and keeps a feed’s own', async () => {
    const post = (over: Record<string, unknown>) =>
      sut.app.inject({
        method: 'POST',
        url: '/api/v1/incidents',
        headers: { authorization: `Bearer ${apiKey}` },
        payload: { source: 'cad', type: 'ROBBERY', priority: 2, occurredAt: new Date(sut.clock.now().getTime() - 60_000).toISOString(), location: { lat: 38.9, lng: -77.03, accuracyM: 20 }, ...over },
      });
    const located = sut.ctx.serviceArea.areas!;
    const own = await post({ externalId: 'A-1' });
    expect(own.statusCode).toBe(201);
    expect(own.json().incident.district).toBe(located.districts.locate(38.9, -77.03)!.id);
    expect(own.json().incident.ward).toBe(located.wards.locate(38.9, -77.03)!.id);
    const given = await post({ externalId: 'A-2', district: '5', ward: '6' });
    expect(given.json().incident).toMatchObject({ district: '5', ward: '6' });
  });
});

// Incident intake through the HTTP API: contract, idempotency, validation, matching with retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';

const CSV = `external_ref,label,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days
east-facing,Facing east,38.9000,-77.0300,fixed,90,90,60,30
short-memory,Keeps 1 day,38.9000,-77.0301,ptz,,360,60,1
far-away,Elsewhere,38.9500,-77.0300,ptz,,360,60,30
`;

describe.each(testDatabases)('incident intake on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let apiKey: string;
  let operator: SignedIn;
  const clock = new ManualClock('2026-08-10T20:00:00Z');

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { clock, config: { loginRateLimitPerMinute: 1000 } });
    await sut.ctx.staff.createAgency('Metro PD', 'local', CLI_ACTOR);
    await sut.ctx.importer.import(CSV, { format: 'csv', agencyName: 'Metro PD' }, CLI_ACTOR);
    apiKey = (await sut.ctx.staff.createApiKey({ agencyName: 'County 911', name: 'CAD feed', role: 'operator' }, CLI_ACTOR)).key;
    operator = await createAndSignIn(sut, ['operator']);
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  const post = (payload: unknown) => sut.app.inject({ method: 'POST', url: '/api/v1/incidents', payload: payload as object, headers: { authorization: `Bearer ${apiKey}` } });
  const incident = (over: Record<string, unknown> = {}) => ({
    source: 'cad',
    externalId: 'I-2026-000123',
    type: 'ROBBERY',
    priority: 2,
    occurredAt: '2026-08-10T19:40:00Z',
    location: { lat: 38.9, lng: -77.0295, accuracyM: 15 },
    ...over,
  });

  it('requires an API key or a staff session', async () => {
    expect((await sut.app.inject({ method: 'POST', url: '/api/v1/incidents', payload: incident() })).statusCode).toBe(401);
    expect((await sut.app.inject({ method: 'POST', url: '/api/v1/incidents', payload: incident(), headers: { authorization: 'Bearer wfk_nope' } })).statusCode).toBe(401);
  });

  it('creates an incident and lists the cameras that could have seen it, ranked', async () => {
    const res = await post(incident());
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ created: true, changed: [], matchCount: 2 });
    expect(body.incident).toMatchObject({ source: 'cad', externalId: 'I-2026-000123', priority: 2, status: 'open', location: { lat: 38.9, lng: -77.0295, accuracyM: 15 } });
    const detail = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${body.id}`, headers: { cookie: operator.cookie } })).json();
    expect(detail.matches).toHaveLength(2);
    expect(detail.matches[0].rank).toBe(1);
    expect(detail.matches[0].distanceM).toBeLessThan(detail.matches[1].distanceM + 1);
  });

  it('updates on a repeat with the same number, records the change, keeps the id', async () => {
    const first = (await post(incident({ externalId: 'I-2', type: 'ASSAULT' }))).json();
    const same = await post(incident({ externalId: 'I-2', type: 'ASSAULT' }));
    expect(same.statusCode).toBe(200);
    expect(same.json()).toMatchObject({ id: first.id, created: false, changed: [] });
    const moved = await post(incident({ externalId: 'I-2', type: 'ASSAULT W/DANGEROUS WEAPON', priority: 1, location: { lat: 38.95, lng: -77.03, accuracyM: 10 } }));
    expect(moved.json()).toMatchObject({ id: first.id, created: false, matchCount: 1 });
    expect(moved.json().changed.sort()).toEqual(['accuracyM', 'lat', 'lng', 'priority', 'type']);
    const detail = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${first.id}`, headers: { cookie: operator.cookie } })).json();
    expect(detail.changes).toHaveLength(1);
    expect(detail.changes[0].changes.type).toEqual(['ASSAULT', 'ASSAULT W/DANGEROUS WEAPON']);
    expect(detail.incident.version).toBe(2);
    const list = (await sut.app.inject({ method: 'GET', url: '/api/v1/incidents?source=cad', headers: { cookie: operator.cookie } })).json();
    expect(list.incidents.filter((i: { externalId: string }) => i.externalId === 'I-2')).toHaveLength(1);
    expect((await listAudit(database.db, { incidentId: first.id }, 10)).map((a) => a.action).sort()).toEqual(['incident.create', 'incident.update']);
  });

  it('never duplicates under concurrent repeats', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => post(incident({ externalId: 'I-race' }))));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(1);
  });

  it('leaves out cameras whose footage no longer reaches back to the incident', async () => {
    const twoDaysAgo = new Date(clock.now().getTime() - 2 * 86_400_000).toISOString();
    const res = await post(incident({ externalId: 'I-old', occurredAt: twoDaysAgo }));
    expect(res.json().matchCount).toBe(1);
  });

  it.each([
    ['a time in the future', incident({ externalId: 'x1', occurredAt: '2026-08-11T20:00:00Z' }), /in the future/],
    ['a window that ends before it starts', incident({ externalId: 'x2', occurredAt: undefined, occurredFrom: '2026-08-10T19:00:00Z', occurredTo: '2026-08-10T18:00:00Z' }), /ends before it starts/],
    ['coordinates outside the area', incident({ externalId: 'x3', location: { lat: 51.5, lng: -0.12 } }), /outside the service area/],
    ['no time at all', incident({ externalId: 'x4', occurredAt: undefined }), /occurredAt/],
    ['priority 9', incident({ externalId: 'x5', priority: 9 }), /priority/],
    ['a garbled location', incident({ externalId: 'x6', location: { lat: 'north' } }), /location/],
  ])('refuses %s with a 400', async (_what, body, message) => {
    const res = await post(body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().detail).toMatch(message);
  });

  it('accepts an address-only incident without matching it', async () => {
    const res = await post(incident({ externalId: 'I-addr', location: { address: '1200 - 1299 BLOCK OF U STREET NW' } }));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ matchCount: 0, incident: { location: null, address: '1200 - 1299 BLOCK OF U STREET NW' } });
  });

  it('refuses a 50 MB body with 413 and stays up', async () => {
    const res = await post({ ...incident({ externalId: 'big' }), details: { blob: 'x'.repeat(50 * 1024 * 1024) } });
    expect(res.statusCode).toBe(413);
    expect((await sut.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('closes an incident once', async () => {
    const { id } = (await post(incident({ externalId: 'I-close' }))).json();
    const closed = await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${id}/close`, headers: operator.headers });
    expect(closed.json().status).toBe('closed');
    expect((await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${id}/close`, headers: operator.headers })).statusCode).toBe(409);
  });
});

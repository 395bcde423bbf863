// Incident intake through the HTTP API: contract, idempotency, validation, matching with retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import type { IntakeTimings } from '../src/incidents/incident.service.js';
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
    // The point moved into another district and ward (looked up from the service area's areas).
    expect(moved.json().changed.sort()).toEqual(['accuracyM', 'district', 'lat', 'lng', 'priority', 'type', 'ward']);
    const detail = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${first.id}`, headers: { cookie: operator.cookie } })).json();
    expect(detail.changes).toHaveLength(1);
    expect(detail.changes[0].changes.type).toEqual(['ASSAULT', 'ASSAULT W/DANGEROUS WEAPON']);
    expect(detail.incident.version).toBe(2);
    const list = (await sut.app.inject({ method: 'GET', url: '/api/v1/incidents?source=cad', headers: { cookie: operator.cookie } })).json();
    expect(list.incidents.filter((i: { externalId: string }) => i.externalId === 'I-2')).toHaveLength(1);
    expect((await listAudit(database.db, { incidentId: first.id }, 10)).map((a) => a.action).sort()).toEqual(['incident.create', 'incident.update']);
  });

  it('times each new incident’s intake by phase for the metrics; a repeat is not timed', async () => {
    const seen: IntakeTimings[] = [];
    const stop = sut.ctx.incidents.onTimings((t) => seen.push(t));
    const counts = async () => {
      const text = (await sut.app.inject({ method: 'GET', url: '/metrics' })).body;
      return Object.fromEntries(['before', 'first', 'plan', 'commit'].map((phase) => [phase, Number(new RegExp(`watchfloor_intake_phase_seconds_count\\{[^}]*phase="${phase}"[^}]*\\} (\\d+)`).exec(text)?.[1] ?? 0)]));
    };
    try {
      const before = await counts();
      const started = performance.now();
      expect((await post(incident({ externalId: 'I-TIMED' }))).statusCode).toBe(201);
      const took = performance.now() - started;
      expect((await post(incident({ externalId: 'I-TIMED' }))).statusCode).toBe(200);
      expect(seen).toHaveLength(1);
      const t = seen[0]!;
      for (const ms of [t.beforeMs, t.firstMs, t.planMs, t.commitMs]) expect(ms).toBeGreaterThanOrEqual(0);
      // The phases are consecutive parts of the intake, inside the request's own time.
      expect(t.firstMs).toBeGreaterThan(0);
      expect(t.beforeMs + t.firstMs + t.planMs + t.commitMs).toBeLessThanOrEqual(took);
      const after = await counts();
      for (const phase of ['before', 'first', 'plan', 'commit']) expect(after[phase]! - before[phase]!).toBe(1);
    } finally {
      stop();
    }
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

// Contract E: the floor's incident list with its filters and total; partner agencies read their own incidents only.
describe.each(testDatabases)('incident list filters on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let metroKey: string;
  let countyKey: string;
  let operator: SignedIn;
  let metroPartner: SignedIn;
  let countyPartner: SignedIn;
  const clock = new ManualClock('2026-08-10T20:00:00Z');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { clock, config: { loginRateLimitPerMinute: 1000 } });
    metroKey = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    countyKey = (await sut.ctx.staff.createApiKey({ agencyName: 'County PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    operator = await createAndSignIn(sut, ['operator'], { agency: 'Metro PD' });
    metroPartner = await createAndSignIn(sut, ['partner'], { agency: 'Metro PD' });
    countyPartner = await createAndSignIn(sut, ['partner'], { agency: 'County PD' });
    const feed = async (key: string, name: string, body: Record<string, unknown>) => {
      const res = await sut.app.inject({ method: 'POST', url: '/api/v1/incidents', headers: { authorization: `Bearer ${key}` }, payload: { source: 'cad', externalId: name, ...body } });
      expect(res.statusCode, res.body).toBe(201);
      ids[name] = res.json().id;
    };
    // Four incidents over three hours; one of them closed, one address-only, one the county's.
    await feed(metroKey, 'F-ROB', { type: 'ROBBERY', priority: 2, occurredAt: '2026-08-10T17:00:00Z', location: { lat: 38.9, lng: -77.03 }, district: '3', ward: '1' });
    await feed(metroKey, 'F-BURG', { type: 'BURGLARY', priority: 3, occurredAt: '2026-08-10T18:00:00Z', location: { lat: 38.95, lng: -77.0 }, district: '4', ward: '4' });
    await feed(metroKey, 'F-ADDR', { type: 'THEFT/OTHER', priority: 4, occurredAt: '2026-08-10T19:00:00Z', location: { address: '1200 - 1299 BLOCK OF U STREET NW' }, district: '3', ward: '1' });
    await feed(countyKey, 'F-COUNTY', { type: 'HOMICIDE', priority: 1, occurredAt: '2026-08-10T19:30:00Z', location: { lat: 38.88, lng: -76.99 }, district: '7', ward: '8' });
    await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${ids['F-BURG']}/close`, headers: operator.headers });
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  const list = async (query: string, who: SignedIn = operator) => {
    const res = await sut.app.inject({ method: 'GET', url: `/api/v1/incidents${query}`, headers: { cookie: who.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { incidents: { externalId: string }[]; total: number };
    return { names: body.incidents.map((i) => i.externalId), total: body.total };
  };

  it.each([
    ['', ['F-COUNTY', 'F-ADDR', 'F-BURG', 'F-ROB']],
    ['?status=open', ['F-COUNTY', 'F-ADDR', 'F-ROB']],
    ['?status=closed', ['F-BURG']],
    ['?type=ROBBERY,burglary', ['F-BURG', 'F-ROB']],
    ['?type=THEFT/OTHER', ['F-ADDR']],
    ['?maxPriority=2', ['F-COUNTY', 'F-ROB']],
    ['?district=3', ['F-ADDR', 'F-ROB']],
    ['?ward=4', ['F-BURG']],
    ['?from=2026-08-10T18:00:00Z', ['F-COUNTY', 'F-ADDR', 'F-BURG']],
    ['?from=2026-08-10T18:00:00Z&to=2026-08-10T19:00:00Z', ['F-ADDR', 'F-BURG']],
    ['?q=u%20street', ['F-ADDR']],
    ['?q=f-rob', ['F-ROB']],
    ['?q=homi', ['F-COUNTY']],
    ['?q=100%25', []],
    ['?q=_', []],
    ['?bbox=-77.05,38.89,-77.02,38.91', ['F-ROB']],
    ['?bbox=-77.05,38.85,-76.95,38.99&status=open', ['F-COUNTY', 'F-ROB']],
    ['?district=3&type=ROBBERY&maxPriority=2&status=open', ['F-ROB']],
  ])('filters %s', async (query, expected) => {
    const { names, total } = await list(query);
    expect(names).toEqual(expected);
    expect(total).toBe(expected.length);
  });

  it('pages with limit and offset and still gives the total', async () => {
    expect(await list('?limit=2')).toEqual({ names: ['F-COUNTY', 'F-ADDR'], total: 4 });
    expect(await list('?limit=2&offset=2')).toEqual({ names: ['F-BURG', 'F-ROB'], total: 4 });
    expect(await list('?limit=2&offset=10')).toEqual({ names: [], total: 4 });
  });

  it.each([
    ['?bbox=1,2,3', /bbox: give four numbers/],
    ['?bbox=a,b,c,d', /bbox: give four numbers/],
    ['?bbox=-77,38.9,-78,39', /west is east of east/],
    ['?bbox=-77,39,-76,38', /south is north of north/],
    ['?bbox=-200,38,-76,39', /longitudes are -180..180/],
    ['?from=2026-08-10T19:00:00Z&to=2026-08-10T18:00:00Z', /the range ends before it starts/],
    ['?from=yesterday', /from/],
    ['?maxPriority=9', /maxPriority/],
    ['?type=,', /name at least one type/],
    ['?status=pending', /status/],
    ['?limit=0', /limit/],
    ['?colour=red', /colour/],
  ])('refuses %s with a 400 that says why', async (query, detail) => {
    const res = await sut.app.inject({ method: 'GET', url: `/api/v1/incidents${query}`, headers: { cookie: operator.cookie } });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().detail).toMatch(detail);
  });

  it('shows partners their own agency’s incidents only, and lets them only read', async () => {
    expect(await list('', countyPartner)).toEqual({ names: ['F-COUNTY'], total: 1 });
    expect(await list('?status=open', metroPartner)).toEqual({ names: ['F-ADDR', 'F-ROB'], total: 2 });
    expect(await list('?type=HOMICIDE', metroPartner)).toEqual({ names: [], total: 0 });
    const detail = (id: string, who: SignedIn) => sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: { cookie: who.cookie } });
    expect((await detail(ids['F-COUNTY']!, countyPartner)).json().incident.externalId).toBe('F-COUNTY');
    const hidden = await detail(ids['F-COUNTY']!, metroPartner);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().detail).toBe('that incident does not exist');
    expect((await detail(ids['F-ROB']!, countyPartner)).statusCode).toBe(404);
    expect((await detail(ids['F-COUNTY']!, operator)).statusCode).toBe(200);
    // Read-only: no closing, no requests, no feed.
    const write = (url: string, payload: object) => sut.app.inject({ method: 'POST', url, headers: countyPartner.headers, payload });
    expect((await write(`/api/v1/incidents/${ids['F-COUNTY']}/close`, {})).statusCode).toBe(403);
    expect((await write(`/api/v1/incidents/${ids['F-COUNTY']}/requests`, { purposeCode: 'criminal-investigation', reason: 'A partner wants footage of this.' })).statusCode).toBe(403);
    expect((await write('/api/v1/incidents', { source: 'cad', externalId: 'P-1', type: 'X', priority: 3, occurredAt: '2026-08-10T19:00:00Z', location: { lat: 38.9, lng: -77.03 } })).statusCode).toBe(403);
  });
});

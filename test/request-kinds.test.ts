// Owners' request kinds (contract G): the documented type → kind table, the public list, the owner's choice, and
// the matcher leaving out (and taking back) the cameras of an owner who declined a kind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { issueOwnerLink } from '../src/cameras/owner-links.js';
import { DC_OFFENSE_PRIORITY } from '../src/incidents/decoders/dc-crime.js';
import { kindOfIncidentType, maskOfKinds, REQUEST_KIND_IDS } from '../src/requests/request-kinds.js';
import type { PublishedEvent } from '../src/events/event-bus.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';

describe('incident type → request kind', () => {
  it('maps every DC offense (and so every demo feed type) by the table', () => {
    const expected: Record<string, string> = {
      HOMICIDE: 'violent',
      'ASSAULT W/DANGEROUS WEAPON': 'violent',
      'SEX ABUSE': 'violent',
      ROBBERY: 'violent',
      BURGLARY: 'property',
      'THEFT/OTHER': 'property',
      ARSON: 'property',
      'MOTOR VEHICLE THEFT': 'vehicle',
      'THEFT F/AUTO': 'vehicle',
    };
    expect(Object.keys(DC_OFFENSE_PRIORITY).sort()).toEqual(Object.keys(expected).sort());
    for (const [type, kind] of Object.entries(expected)) expect(kindOfIncidentType(type), type).toBe(kind);
    expect(kindOfIncidentType('  robbery ')).toBe('violent');
  });

  it.each([
    ['SHOTS FIRED', 'violent'],
    ['CARJACKING', 'violent'],
    ['TRAFFIC CRASH WITH INJURY', 'vehicle'],
    ['HIT AND RUN', 'vehicle'],
    ['SHOPLIFTING', 'property'],
    ['DESTRUCTION OF PROPERTY', 'property'],
    ['NOISE COMPLAINT', 'disorder'],
    ['TRESPASSING', 'disorder'],
    ['MISSING PERSON', 'other'],
    ['', 'other'],
  ])('falls back to keywords: %s → %s', (type, kind) => {
    expect(kindOfIncidentType(type)).toBe(kind);
  });

  it('keeps one bit per kind and ignores unknown names', () => {
    expect(maskOfKinds([])).toBe(0);
    expect(maskOfKinds(['violent'])).toBe(1);
    expect(maskOfKinds(['other', 'violent', 'violent', 'sports'])).toBe(1 | 16);
    expect(maskOfKinds([...REQUEST_KIND_IDS])).toBe(31);
  });
});

// Ana and Ben are neighbours; both their cameras see the corner.
const CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
ana-door,38.9000,-77.0300,ptz,,360,40,30,ana@example.org,Ana,resident
ana-yard,38.9001,-77.0300,ptz,,360,40,30,ana@example.org,Ana,resident
ben-door,38.9000,-77.0302,ptz,,360,40,30,ben@example.org,Ben,business
`;

describe.each(testDatabases)('owner request kinds on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let operator: SignedIn;
  let apiKey: string;
  let anaId: string;
  let anaCookie: string;
  let anaCameras: string[];
  let benCamera: string;
  const clock = new ManualClock('2026-10-06T18:00:00Z');
  const events: PublishedEvent[] = [];
  let n = 0;

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { clock, config: { loginRateLimitPerMinute: 1000, quietHours: '0-0', requestsPerOwnerWeek: 50 } });
    sut.ctx.events.subscribe((e) => events.push(e));
    await sut.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR);
    apiKey = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    operator = await createAndSignIn(sut, ['operator']);
    const rows = (await database.db.execute(`select c.id, c.external_ref, c.owner_id from cameras c order by c.external_ref` as never)) as unknown as { rows: { id: string; external_ref: string; owner_id: string }[] };
    anaId = rows.rows.find((r) => r.external_ref === 'ana-door')!.owner_id;
    anaCameras = rows.rows.filter((r) => r.owner_id === anaId).map((r) => r.id).sort();
    benCamera = rows.rows.find((r) => r.external_ref === 'ben-door')!.id;
    const link = await database.db.transaction((tx) => issueOwnerLink(tx, sut.ctx.box, anaId, 'http://localhost', 60, clock.now()));
    const opened = await sut.app.inject({ method: 'POST', url: '/api/v1/owner/session', payload: { token: link.token } });
    expect(opened.statusCode, opened.body).toBe(200);
    anaCookie = `wf_owner=${opened.cookies.find((c) => c.name === 'wf_owner')!.value}`;
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  const incident = async (type: string) => {
    const res = await sut.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: { authorization: `Bearer ${apiKey}` },
      payload: { source: 'cad', externalId: `K-${++n}`, type, priority: 3, occurredAt: new Date(clock.now().getTime() - 10 * 60_000).toISOString(), location: { lat: 38.90004, lng: -77.0301, accuracyM: 5 } },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    const detail = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: { cookie: operator.cookie } })).json();
    return { id, cameras: (detail.matches as { cameraId: string }[]).map((m) => m.cameraId).sort() };
  };
  const setKinds = (declinedKinds: unknown, cookie = anaCookie) => sut.app.inject({ method: 'PUT', url: '/api/v1/owner/preferences', headers: { cookie }, payload: { declinedKinds } as object });
  const me = async () => (await sut.app.inject({ method: 'GET', url: '/api/v1/owner/me', headers: { cookie: anaCookie } })).json();

  it('lists the kinds in English and Spanish, publicly', async () => {
    const res = await sut.app.inject({ method: 'GET', url: '/api/v1/public/request-kinds' });
    expect(res.statusCode).toBe(200);
    const { kinds } = res.json() as { kinds: { id: string; label: Record<string, string>; description: Record<string, string> }[] };
    expect(kinds.map((k) => k.id)).toEqual(['violent', 'property', 'vehicle', 'disorder', 'other']);
    for (const k of kinds) for (const text of [k.label.en, k.label.es, k.description.en, k.description.es]) expect(text?.length, k.id).toBeGreaterThan(3);
  });

  it('starts with every kind taken; the owner page says so', async () => {
    expect((await me()).owner.declinedKinds).toEqual([]);
    const both = await incident('ROBBERY');
    expect(both.cameras).toEqual([...anaCameras, benCamera].sort());
  });

  it('leaves the owner’s cameras out of matching for a declined kind, at once, and only for that kind', async () => {
    const before = events.length;
    const saved = await setKinds(['violent', 'violent']);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toEqual({ declinedKinds: ['violent'] });
    expect((await me()).owner.declinedKinds).toEqual(['violent']);
    // The floor's map and other instances hear of Ana's cameras.
    expect(events.slice(before).filter((e) => e.type === 'camera.changed').map((e) => e.data.cameraId).sort()).toEqual(anaCameras);
    const audit = await listAudit(database.db, { action: 'owner.preferences', targetId: anaId }, 5);
    expect(audit[0]!.details).toEqual({ declinedKinds: ['violent'], before: [] });

    expect((await incident('ROBBERY')).cameras).toEqual([benCamera]);
    expect((await incident('ASSAULT W/DANGEROUS WEAPON')).cameras).toEqual([benCamera]);
    expect((await incident('SHOTS FIRED')).cameras).toEqual([benCamera]);
    expect((await incident('BURGLARY')).cameras).toEqual([...anaCameras, benCamera].sort());
    expect((await incident('THEFT F/AUTO')).cameras).toEqual([...anaCameras, benCamera].sort());
  });

  it('does not ask the owner about an incident matched before they declined its kind', async () => {
    await setKinds([]);
    const earlier = await incident('ROBBERY');
    expect(earlier.cameras).toContain(anaCameras[0]);
    await setKinds(['violent']);
    const asked = await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${earlier.id}/requests`, headers: operator.headers, payload: { purposeCode: 'criminal-investigation', reason: 'A robbery was reported at the corner.' } });
    expect(asked.statusCode, asked.body).toBe(200);
    expect((asked.json().outcomes as { ownerId: string }[]).map((o) => o.ownerId)).not.toContain(anaId);
    expect(asked.json().outcomes).toHaveLength(1);
  });

  it('takes the owner’s cameras back when they change their mind', async () => {
    expect((await incident('ROBBERY')).cameras).toEqual([benCamera]);
    const saved = await setKinds([]);
    expect(saved.json()).toEqual({ declinedKinds: [] });
    expect((await incident('ROBBERY')).cameras).toEqual([...anaCameras, benCamera].sort());
    // Every kind declined, "other" included: nothing at all.
    await setKinds([...REQUEST_KIND_IDS]);
    expect((await incident('MISSING PERSON')).cameras).toEqual([benCamera]);
    expect((await incident('HOMICIDE')).cameras).toEqual([benCamera]);
    await setKinds([]);
  });

  it('keeps the choice in the owner’s export', async () => {
    await setKinds(['disorder', 'property']);
    const exported = await sut.app.inject({ method: 'GET', url: '/api/v1/owner/export', headers: { cookie: anaCookie } });
    expect(exported.statusCode).toBe(200);
    expect(exported.json().owner.declinedKinds).toEqual(['property', 'disorder']);
  });

  it('refuses bad choices with a 400 that says what was wrong, and changes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [['violent', 'sports'], /unknown kind "sports"; the kinds are violent, property, vehicle, disorder, other/],
      ['violent', /declinedKinds/],
      [[1], /declinedKinds/],
      [[''], /declinedKinds/],
      [Array.from({ length: 21 }, () => 'violent'), /declinedKinds/],
    ];
    for (const [body, detail] of cases) {
      const res = await setKinds(body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().detail).toMatch(detail);
    }
    const extra = await sut.app.inject({ method: 'PUT', url: '/api/v1/owner/preferences', headers: { cookie: anaCookie }, payload: { declinedKinds: [], colour: 'red' } });
    expect(extra.statusCode).toBe(400);
    const missing = await sut.app.inject({ method: 'PUT', url: '/api/v1/owner/preferences', headers: { cookie: anaCookie }, payload: {} });
    expect(missing.statusCode).toBe(400);
    expect((await me()).owner.declinedKinds).toEqual(['property', 'disorder']);
    // Only the owner, through their own session.
    expect((await setKinds([], '')).statusCode).toBe(401);
    expect((await sut.app.inject({ method: 'PUT', url: '/api/v1/owner/preferences', headers: operator.headers, payload: { declinedKinds: [] } })).statusCode).toBe(401);
  });
});

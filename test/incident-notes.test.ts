// Notes on incidents and the incident timeline (contract D): notes audited and published; the timeline tells the
// whole story of an incident from intake to close, one readable line each, oldest first.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import type { PublishedEvent } from '../src/events/event-bus.js';
import { describeChanges } from '../src/incidents/incident-timeline.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';
import { makeClip } from './support/video.js';

const CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
shop,38.9000,-77.0300,ptz,,360,40,30,shop@example.org,Corner Shop,business
`;

interface Entry {
  at: string;
  kind: string;
  summary: string;
  actor: { type: string; name: string | null } | null;
  refs: { requestId?: string; evidenceId?: string; alertId?: string };
}

describe('timeline wording', () => {
  it('says what a feed update changed in words', () => {
    expect(describeChanges({ priority: [3, 1], type: ['BURGLARY', 'ROBBERY'] })).toBe('priority 3 → 1; type BURGLARY → ROBBERY');
    expect(describeChanges({ lat: [38.9, 38.91], lng: [-77, -77.01], address: [null, '1200 BLOCK OF U ST NW'] })).toBe('location moved; address — → 1200 BLOCK OF U ST NW');
  });
});

describe.each(testDatabases)('incident notes and timeline on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let operator: SignedIn;
  let auditor: SignedIn;
  let metroPartner: SignedIn;
  let countyPartner: SignedIn;
  let metroKey: string;
  let countyKey: string;
  let dataDir: string;
  const clock = new ManualClock('2026-10-06T18:00:00Z');
  const events: PublishedEvent[] = [];
  let n = 0;

  beforeAll(async () => {
    database = await kind.open();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-notes-'));
    sut = await makeTestApp(database, { clock, config: { dataDir, loginRateLimitPerMinute: 1000, quietHours: '0-0' } });
    sut.ctx.events.subscribe((e) => events.push(e));
    await sut.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR);
    metroKey = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    countyKey = (await sut.ctx.staff.createApiKey({ agencyName: 'County PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    operator = await createAndSignIn(sut, ['operator'], { agency: 'Metro PD' });
    auditor = await createAndSignIn(sut, ['auditor'], { agency: 'Metro PD' });
    metroPartner = await createAndSignIn(sut, ['partner'], { agency: 'Metro PD' });
    countyPartner = await createAndSignIn(sut, ['partner'], { agency: 'County PD' });
  });
  afterAll(async () => {
    await sut.close();
    await sut.ctx.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const feed = async (over: Record<string, unknown> = {}, key = metroKey) => {
    const res = await sut.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: { authorization: `Bearer ${key}` },
      payload: { source: 'cad', externalId: `N-${++n}`, type: 'ROBBERY', priority: 2, occurredAt: new Date(clock.now().getTime() - 20 * 60_000).toISOString(), location: { lat: 38.90002, lng: -77.03, accuracyM: 5 }, ...over },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json().id as string;
  };
  const addNote = (incidentId: string, payload: unknown, who: SignedIn = operator) => sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/notes`, headers: who.headers, payload: payload as object });
  const timeline = async (incidentId: string, who: SignedIn = operator) => {
    const res = await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${incidentId}/timeline`, headers: { cookie: who.cookie } });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().entries as Entry[];
  };

  it('adds a note: stored, audited without its text, published to the floor', async () => {
    const incidentId = await feed();
    const res = await addNote(incidentId, { text: '  Caller says the suspect left northbound on 14th St.  ' });
    expect(res.statusCode, res.body).toBe(201);
    const note = res.json();
    expect(note).toEqual({ id: expect.any(String), incidentId, text: 'Caller says the suspect left northbound on 14th St.', author: { id: operator.userId, name: expect.any(String) }, createdAt: clock.now().toISOString() });
    const audit = await listAudit(database.db, { action: 'incident.note', incidentId }, 5);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: operator.userId, details: { noteId: note.id, chars: 51 } });
    expect(JSON.stringify(audit[0])).not.toContain('northbound');
    const published = events.filter((e) => e.type === 'incident.note' && e.incidentId === incidentId);
    expect(published).toHaveLength(1);
    expect(published[0]!.data).toEqual({ note });
    expect(published[0]!.agencyId).toEqual(expect.any(String));
  });

  it('refuses bad notes with a 4xx that says what was wrong, and writes nothing', async () => {
    const incidentId = await feed();
    const cases: [string, unknown, number, RegExp][] = [
      [incidentId, { text: '' }, 400, /text/],
      [incidentId, { text: '   \n ' }, 400, /the note is empty/],
      [incidentId, { text: 'x'.repeat(2001) }, 400, /text/],
      [incidentId, {}, 400, /text/],
      [incidentId, { text: 42 }, 400, /text/],
      [incidentId, { text: 'ok', pinned: true }, 400, /pinned/],
      ['not-a-uuid', { text: 'ok' }, 400, /id/],
      ['00000000-0000-4000-8000-000000000000', { text: 'ok' }, 404, /incident does not exist/],
    ];
    for (const [id, body, status, detail] of cases) {
      const res = await addNote(id, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json().detail).toMatch(detail);
    }
    expect((await addNote(incidentId, { text: 'audit me' }, auditor)).statusCode).toBe(403);
    expect((await addNote(incidentId, { text: 'partners only read' }, metroPartner)).statusCode).toBe(403);
    expect((await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/notes`, headers: { cookie: operator.cookie }, payload: { text: 'no csrf' } })).statusCode).toBe(403);
    expect((await timeline(incidentId)).filter((e) => e.kind === 'note')).toEqual([]);
    expect(await listAudit(database.db, { action: 'incident.note', incidentId }, 5)).toEqual([]);
  });

  it('tells the whole story of an incident, oldest first, one readable line each', async () => {
    const incidentId = await feed({ type: 'BURGLARY', priority: 3 });
    clock.advance(60_000);
    await feed({ externalId: `N-${n}`, type: 'ROBBERY', priority: 1 }); // the feed upgrades it: alert-worthy now, no alert (not new)
    clock.advance(60_000);
    const asked = await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/requests`, headers: operator.headers, payload: { purposeCode: 'criminal-investigation', reason: 'A robbery happened in front of your shop.' } });
    expect(asked.statusCode, asked.body).toBe(200);
    const { requestId, ownerId } = asked.json().outcomes[0] as { requestId: string; ownerId: string };
    await sut.ctx.outbox.runOnce();
    await sut.ctx.requests.housekeeping();
    clock.advance(60_000);
    const evidence = await sut.ctx.evidence.receive({ uploadId: `notes-${requestId}`, uploadPath: makeClip('shop.avi'), ownerId, requestId, filename: 'shop.avi', contentType: 'video/x-msvideo' });
    await sut.ctx.evidence.settle();
    clock.advance(60_000);
    await sut.ctx.evidence.access(evidence.id, 'viewed', { actorType: 'staff', actorId: operator.userId, actorName: 'operator', agencyId: null }, 'identify the suspect');
    clock.advance(60_000);
    expect((await addNote(incidentId, { text: 'Suspect visible at 13:41, red jacket.' })).statusCode).toBe(201);
    const footageAlert = (await sut.ctx.alerts.list({ id: operator.userId, roles: ['operator'], agencyId: '' }, { status: 'all', mine: false, limit: 1000 })).alerts.find((a) => a.evidenceId === evidence.id)!;
    expect((await sut.app.inject({ method: 'POST', url: `/api/v1/alerts/${footageAlert.id}/ack`, headers: operator.headers, payload: {} })).statusCode).toBe(200);
    clock.advance(60_000);
    expect((await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/close`, headers: operator.headers, payload: {} })).statusCode).toBe(200);

    const entries = await timeline(incidentId);
    // Oldest first.
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort());
    // Every kind of thing that happened is there.
    expect(new Set(entries.map((e) => e.kind))).toEqual(new Set(['created', 'changed', 'matched', 'request', 'message', 'evidence', 'custody', 'note', 'alert', 'closed']));
    const find = (kind: string, re: RegExp) => {
      const e = entries.find((x) => x.kind === kind && re.test(x.summary));
      expect(e, `${kind} ${re}: ${JSON.stringify(entries.map((x) => `${x.kind}: ${x.summary}`), null, 1)}`).toBeDefined();
      return e!;
    };
    expect(entries[0]).toMatchObject({ kind: 'created', actor: { type: 'api_key', name: 'CAD' } });
    expect(entries[0]!.summary).toMatch(/^BURGLARY reported, priority 3, at 38\.90002, -77\.03000 \(cad N-\d+\)$/);
    // The helper sends the time again, a minute later: the start moved too.
    expect(find('changed', /priority 3 → 1/).summary).toBe('Updated by the feed: type BURGLARY → ROBBERY; priority 3 → 1; start 2026-10-06T17:40:00Z → 2026-10-06T17:41:00Z');
    expect(find('matched', /camera/).summary).toMatch(/^1 camera could have seen it \(1 facing it\), nearest \d+ m$/);
    const requested = find('request', /^Footage requested from an owner for 1 camera \(criminal-investigation\)$/);
    expect(requested).toMatchObject({ refs: { requestId }, actor: { type: 'staff', name: expect.any(String) } });
    find('request', /^Request went out to the owner \(1 camera\)$/);
    expect(find('message', /^Request delivered to the owner \(email\)$/).refs).toEqual({ requestId });
    expect(find('evidence', /^Footage received: shop\.avi \(\d+\.\d MB\)/)).toMatchObject({ refs: { requestId, evidenceId: evidence.id }, actor: { type: 'owner' } });
    find('evidence', /^Footage ready to play/);
    find('custody', /^SHA-256 recorded: [0-9a-f]{16}…$/);
    expect(find('custody', /^shop\.avi viewed \(identify the suspect\)$/).refs).toEqual({ evidenceId: evidence.id });
    expect(find('note', /^Note: Suspect visible at 13:41, red jacket\.$/).actor).toEqual({ type: 'staff', name: expect.any(String) });
    expect(find('alert', /^Alert raised: Footage received for ROBBERY N-\d+$/).refs).toMatchObject({ alertId: footageAlert.id, evidenceId: evidence.id });
    expect(find('alert', /^Alert acknowledged: Footage received for ROBBERY N-\d+$/).refs).toEqual({ alertId: footageAlert.id });
    expect(find('closed', /^Incident closed$/).actor).toMatchObject({ type: 'staff' });
    expect(entries.at(-1)!.kind === 'closed' || entries.at(-1)!.kind === 'request').toBe(true);
    // The staff shown by their display name, as on the rest of the floor.
    const noteAuthor = find('note', /Suspect/).actor!.name;
    expect(requested.actor!.name).toBe(noteAuthor);
  });

  it('shows a partner the timeline of their own agency’s incidents only', async () => {
    const metro = await feed();
    const county = await feed({}, countyKey);
    expect((await timeline(metro, metroPartner))[0]!.kind).toBe('created');
    const other = await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${county}/timeline`, headers: { cookie: metroPartner.cookie } });
    expect(other.statusCode).toBe(404);
    expect((await timeline(county, countyPartner))[0]!.kind).toBe('created');
    expect((await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${metro}/timeline`, headers: { cookie: auditor.cookie } })).statusCode).toBe(403);
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/incidents/00000000-0000-4000-8000-000000000000/timeline', headers: { cookie: operator.cookie } })).statusCode).toBe(404);
  });
});

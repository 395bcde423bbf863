// Footage requests: who is asked, how often, when, and what happens when the incident closes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { verifyAuditChain } from '../src/audit/audit.verify.js';
import { listMessages } from '../src/notifications/outbox.repository.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';

// Two neighbours on one block: Ana has two cameras, Ben one; and a city camera.
const CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
ana-door,38.9000,-77.0300,ptz,,360,40,30,ana@example.org,Ana,resident
ana-yard,38.9001,-77.0300,ptz,,360,40,30,ana@example.org,Ana,resident
ben-door,38.9000,-77.0302,ptz,,360,40,30,ben@example.org,Ben,business
`;
const CITY = `external_ref,lat,lng,kind,range_m
city-1,38.9000,-77.0301,cctv,80
`;

describe.each(testDatabases)('footage requests on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let operator: SignedIn;
  let apiKey: string;
  // 14:00 in Washington on a weekday.
  const clock = new ManualClock('2026-10-06T18:00:00Z');
  let seq = 0;

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { clock, config: { loginRateLimitPerMinute: 1000, requestsPerOwnerWeek: 2, autoRequestTypes: 'HOMICIDE', autoRequestMaxPriority: 1 } });
    await sut.ctx.staff.createAgency('Metro PD', 'local', CLI_ACTOR);
    await sut.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR);
    await sut.ctx.importer.import(CITY, { format: 'csv', agencyName: 'Metro PD' }, CLI_ACTOR);
    apiKey = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    operator = await createAndSignIn(sut, ['operator']);
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  const newIncident = async (over: Record<string, unknown> = {}) => {
    const res = await sut.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: { authorization: `Bearer ${apiKey}` },
      payload: { source: 'cad', externalId: `R-${++seq}`, type: 'BURGLARY', priority: 3, occurredAt: new Date(clock.now().getTime() - 30 * 60_000).toISOString(), location: { lat: 38.90005, lng: -77.0301, accuracyM: 10 }, ...over },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const ask = (incidentId: string, body: Record<string, unknown> = {}) =>
    sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${incidentId}/requests`, headers: operator.headers, payload: { purposeCode: 'criminal-investigation', reason: 'A burglary was reported on your block this afternoon.', ...body } });
  // Moving the clock by hours ends staff sessions (idle lock): sign in again after each jump.
  const relogin = async () => {
    operator = await createAndSignIn(sut, ['operator']);
  };
  const ownerIdOf = async (email: string) => {
    const rows = (await database.db.execute(`select id from owners where email = '${email}'` as never)) as unknown as { rows: { id: string }[] };
    return rows.rows[0]!.id;
  };

  it('sends one request per owner covering all their cameras, none for city cameras, with purpose and requester audited', async () => {
    const incidentId = await newIncident();
    const res = await ask(incidentId);
    expect(res.statusCode, res.body).toBe(200);
    const outcomes = res.json().outcomes as { ownerId: string; cameraIds: string[]; outcome: string }[];
    expect(outcomes).toHaveLength(2);
    expect(outcomes.map((o) => o.outcome)).toEqual(['requested', 'requested']);
    // Ana's two cameras in one request; the city camera needs none.
    expect(outcomes.map((o) => o.cameraIds.length).sort()).toEqual([1, 2]);
    const messages = await listMessages(database.db, { status: 'pending' }, 50);
    expect(messages.filter((m) => m.template === 'footage_request')).toHaveLength(2);
    const audit = await listAudit(database.db, { action: 'request.create', incidentId }, 10);
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ purpose: 'criminal-investigation', actorId: operator.userId });

    const detail = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${incidentId}`, headers: { cookie: operator.cookie } })).json();
    expect(detail.requests).toHaveLength(2);
    expect(detail.requests[0]).toMatchObject({ status: 'queued', purposeCode: 'criminal-investigation', requestedBy: { type: 'staff' } });
  });

  it('folds an overlapping incident into the open request instead of sending another', async () => {
    const second = await newIncident({ type: 'THEFT/OTHER' });
    const res = await ask(second);
    expect(res.json().outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['merged', 'merged']);
    expect((await listMessages(database.db, {}, 50)).filter((m) => m.template === 'footage_request')).toHaveLength(2);
  });

  it('skips an owner who had their weekly share, and says so', async () => {
    clock.advance(6 * 3_600_000); // a new, non-overlapping time window; 20:00 local
    await relogin();
    const third = await newIncident();
    const res = await ask(third);
    expect(res.json().outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['requested', 'requested']);
    clock.advance(6 * 3_600_000);
    await relogin();
    const fourth = await newIncident();
    const capped = await ask(fourth);
    expect(capped.json().outcomes.every((o: { outcome: string; reason: string }) => o.outcome === 'skipped' && /limit 2/.test(o.reason))).toBe(true);
  });

  it('holds a request made at night until the morning in the owner’s time zone', async () => {
    clock.set('2026-10-14T03:30:00Z'); // 23:30 in Washington, a week later
    await relogin();
    const night = await newIncident();
    const res = await ask(night, { cameraIds: undefined });
    const outcome = res.json().outcomes[0];
    expect(outcome.sendAfter).toBe('2026-10-14T12:00:00.000Z'); // 08:00 EDT
    const msg = (await listMessages(database.db, {}, 100)).find((m) => m.idempotencyKey === `request:${outcome.requestId}`)!;
    expect(msg.nextAttemptAt.toISOString()).toBe('2026-10-14T12:00:00.000Z');
    // Closing the incident before morning cancels the request and its unsent message.
    const closed = await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${night}/close`, headers: operator.headers });
    expect(closed.statusCode).toBe(200);
    const after = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${night}`, headers: { cookie: operator.cookie } })).json();
    expect(after.requests.every((r: { status: string }) => r.status === 'cancelled')).toBe(true);
    const cancelledMsg = (await listMessages(database.db, {}, 100)).find((m) => m.idempotencyKey === `request:${outcome.requestId}`)!;
    expect(cancelledMsg.status).toBe('cancelled');
  });

  it('refuses a vague reason, an unknown purpose, a camera that did not match, and a closed incident', async () => {
    clock.set('2026-10-21T15:00:00Z');
    await relogin();
    const id = await newIncident();
    expect((await ask(id, { reason: 'because' })).statusCode).toBe(400);
    expect((await ask(id, { purposeCode: 'curiosity' })).statusCode).toBe(400);
    expect((await ask(id, { cameraIds: ['00000000-0000-4000-8000-000000000000'] })).json().detail).toMatch(/did not match/);
    await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${id}/close`, headers: operator.headers });
    expect((await ask(id)).statusCode).toBe(409);
  });

  it('requests automatically for configured incident types, in the same transaction as the incident', async () => {
    clock.set('2026-10-28T15:00:00Z');
    await relogin();
    const id = await newIncident({ type: 'HOMICIDE', priority: 1 });
    const detail = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: { cookie: operator.cookie } })).json();
    expect(detail.requests.length).toBe(2);
    expect(detail.requests[0].requestedBy).toMatchObject({ type: 'rule', name: 'rule: auto-request HOMICIDE' });
    const notAuto = await newIncident({ type: 'HOMICIDE', priority: 2, location: { lat: 38.95, lng: -77.03, accuracyM: 5 } });
    expect((await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${notAuto}`, headers: { cookie: operator.cookie } })).json().requests).toEqual([]);
  });

  it('in one ask folds one owner into their open request and makes a new one for another, each message their own', async () => {
    clock.set('2026-10-27T15:00:00Z');
    await relogin();
    const benDoor = ((await database.db.execute(`select id from cameras where external_ref = 'ben-door'` as never)) as unknown as { rows: { id: string }[] }).rows[0]!.id;
    const first = await newIncident();
    const onlyBen = await ask(first, { cameraIds: [benDoor] });
    expect(onlyBen.json().outcomes.map((o: { outcome: string }) => o.outcome)).toEqual(['requested']);
    const benRequest = onlyBen.json().outcomes[0].requestId as string;
    // An hour earlier and overlapping: Ben's request widens, Ana gets a new one, in the same statement.
    const second = await newIncident({ occurredAt: new Date(clock.now().getTime() - 60 * 60_000).toISOString() });
    const both = (await ask(second)).json().outcomes as { ownerId: string; outcome: string; requestId: string; cameraIds: string[] }[];
    const [ana, ben] = [await ownerIdOf('ana@example.org'), await ownerIdOf('ben@example.org')];
    expect(both.find((o) => o.ownerId === ben)).toMatchObject({ outcome: 'merged', requestId: benRequest });
    const anaOutcome = both.find((o) => o.ownerId === ana)!;
    expect(anaOutcome).toMatchObject({ outcome: 'requested' });
    expect(anaOutcome.cameraIds).toHaveLength(2);
    const detail = (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${second}`, headers: { cookie: operator.cookie } })).json();
    const widened = detail.requests.find((r: { id: string }) => r.id === benRequest);
    expect(new Date(widened.windowFrom).getTime()).toBe(clock.now().getTime() - 75 * 60_000); // an hour ago, less the 15-minute margin
    const messages = (await listMessages(database.db, {}, 200)).filter((m) => m.idempotencyKey === `request:${anaOutcome.requestId}` || m.idempotencyKey === `request:${benRequest}`);
    expect(messages.map((m) => m.recipient).sort()).toEqual(['ana@example.org', 'ben@example.org']);
    const links = messages.map((m) => (m.data as { link: string }).link);
    expect(new Set(links).size).toBe(2);
    for (const link of links) expect(link).toMatch(/\/connect\/manage#token=[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((messages.find((m) => m.recipient === 'ana@example.org')!.data as { cameras: string[] }).cameras).toHaveLength(2);
    const audit = await listAudit(database.db, { incidentId: second }, 20);
    expect(audit.filter((a) => a.action.startsWith('request.')).map((a) => [a.action, a.targetId]).sort()).toEqual(
      [['request.create', anaOutcome.requestId], ['request.merge', benRequest]].sort(),
    );
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: true });
  });

  it('marks requests sent when due, reminds half-way, expires the unanswered; the owner sees every request', async () => {
    clock.set('2026-10-28T16:00:00Z');
    await relogin();
    expect((await sut.ctx.requests.housekeeping()).sent).toBeGreaterThan(0);
    clock.advance(40 * 3_600_000);
    await relogin();
    expect((await sut.ctx.requests.housekeeping()).reminded).toBeGreaterThan(0);
    clock.advance(40 * 3_600_000);
    await relogin();
    expect((await sut.ctx.requests.housekeeping()).expired).toBeGreaterThan(0);
    const overview = await sut.ctx.owners.overview(await ownerIdOf('ana@example.org'));
    expect(overview.requests.length).toBeGreaterThanOrEqual(3);
    expect(overview.requests.map((r) => r.status)).toEqual(expect.arrayContaining(['expired', 'cancelled']));
    expect(JSON.stringify(overview.requests)).not.toContain(operator.userId);
  });
});

// Six neighbours along a street, 10 m apart; a rule may ask the owners of the best-ranked three.
const STREET = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
${[1, 2, 3, 4, 5, 6].map((i) => `st-${i},38.9100,${(-77.0300 + i * 0.000115).toFixed(6)},ptz,,360,100,30,n${i}@example.org,Neighbour ${i},resident`).join('\n')}
`;

describe.each(testDatabases)('automatic requests on $name ask the owners of the best-ranked cameras only', (kind) => {
  let database: Database;
  let sut: TestApp;

  beforeAll(async () => {
    database = await kind.open();
    sut = await makeTestApp(database, { clock: new ManualClock('2026-10-06T18:00:00Z'), config: { autoRequestTypes: 'ROBBERY', autoRequestMaxPriority: 2, autoRequestMaxCameras: 3 } });
    await sut.ctx.staff.createAgency('Metro PD', 'local', CLI_ACTOR);
    await sut.ctx.importer.import(STREET, { format: 'csv' }, CLI_ACTOR);
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  it('matches all six, asks the nearest three, and staff can ask the rest from the list', async () => {
    const key = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    const posted = await sut.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: { authorization: `Bearer ${key}` },
      payload: { source: 'cad', externalId: 'ST-1', type: 'ROBBERY', priority: 1, occurredAt: '2026-10-06T17:40:00Z', location: { lat: 38.91, lng: -77.03, accuracyM: 5 } },
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const id = posted.json().id as string;
    const operator = await createAndSignIn(sut, ['operator']);
    const detail = async () => (await sut.app.inject({ method: 'GET', url: `/api/v1/incidents/${id}`, headers: { cookie: operator.cookie } })).json();
    const first = await detail();
    const ranked = (first.matches as { cameraId: string; rank: number; distanceM: number }[]).sort((a, b) => a.rank - b.rank);
    expect(ranked).toHaveLength(6);
    expect(ranked.map((m) => m.distanceM)).toEqual([...ranked.map((m) => m.distanceM)].sort((a, b) => a - b));
    const askedCameras = (r: { cameraIds: string[] }[]) => r.flatMap((x) => x.cameraIds).sort();
    expect(first.requests).toHaveLength(3);
    expect(askedCameras(first.requests)).toEqual(ranked.slice(0, 3).map((m) => m.cameraId).sort());
    const more = await sut.app.inject({ method: 'POST', url: `/api/v1/incidents/${id}/requests`, headers: operator.headers, payload: { purposeCode: 'criminal-investigation', reason: 'A robbery on your street; the rule asked your neighbours first.' } });
    expect(more.statusCode, more.body).toBe(200);
    expect((more.json().outcomes as { outcome: string }[]).map((o) => o.outcome)).toEqual(['merged', 'merged', 'merged', 'requested', 'requested', 'requested']);
    const after = await detail();
    expect(after.requests).toHaveLength(6);
    expect(askedCameras(after.requests)).toEqual(ranked.map((m) => m.cameraId).sort());
  });
});

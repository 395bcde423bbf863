// The alert queue (contract C): raised with their cause, one per cause, acknowledged, assigned, snoozed and resolved
// by floor staff (audited, published after commit), undelivered messages found by the sweep, camera health.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import type { PublishedEvent } from '../src/events/event-bus.js';
import type { MailMessage } from '../src/platform/mailer.js';
import { PermanentDeliveryError } from '../src/platform/sms.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';
import { makeClip } from './support/video.js';

// Ana's mail server refuses her address for good; Ben's is down until the test brings it back; Cy's works.
const CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
ana-door,38.9000,-77.0300,ptz,,360,40,30,ana@example.org,Ana,resident
ben-door,38.9100,-77.0300,ptz,,360,40,30,ben@example.org,Ben,business
cy-door,38.9200,-77.0300,ptz,,360,40,30,cy@example.org,Cy,resident
`;
const CITY = `external_ref,lat,lng,kind,range_m
city-cam,38.9300,-77.0300,cctv,80
`;

interface AlertJson {
  id: string;
  kind: string;
  title: string;
  detail: string | null;
  priority: number;
  status: string;
  incidentId: string | null;
  requestId: string | null;
  evidenceId: string | null;
  cameraId: string | null;
  assignedTo: { id: string; name: string } | null;
  acknowledgedBy: { id: string; name: string } | null;
  snoozedUntil: string | null;
}

describe.each(testDatabases)('the alert queue on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let operator: SignedIn;
  let supervisor: SignedIn;
  let auditor: SignedIn;
  let metroPartner: SignedIn;
  let countyPartner: SignedIn;
  let metroKey: string;
  let countyKey: string;
  let dataDir: string;
  let benMailUp = false;
  const clock = new ManualClock('2026-10-06T18:00:00Z');
  const events: PublishedEvent[] = [];
  let n = 0;

  const mailer = {
    async send(m: MailMessage) {
      if (m.to === 'ana@example.org') throw new PermanentDeliveryError('550 mailbox unavailable');
      if (m.to === 'ben@example.org' && !benMailUp) throw new Error('connect ECONNREFUSED');
      return { providerMessageId: m.messageId };
    },
    close() {},
  };

  const relogin = async () => {
    operator = await createAndSignIn(sut, ['operator'], { agency: 'Metro PD' });
    supervisor = await createAndSignIn(sut, ['supervisor'], { agency: 'Metro PD' });
    auditor = await createAndSignIn(sut, ['auditor'], { agency: 'Metro PD' });
    metroPartner = await createAndSignIn(sut, ['partner'], { agency: 'Metro PD' });
    countyPartner = await createAndSignIn(sut, ['partner'], { agency: 'County PD' });
  };

  beforeAll(async () => {
    database = await kind.open();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-alerts-'));
    sut = await makeTestApp(database, { clock, mailer, config: { dataDir, loginRateLimitPerMinute: 10_000, quietHours: '0-0', requestsPerOwnerWeek: 50 } });
    sut.ctx.events.subscribe((e) => events.push(e));
    await sut.ctx.staff.createAgency('Metro PD', 'local', CLI_ACTOR);
    await sut.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR);
    await sut.ctx.importer.import(CITY, { format: 'csv', agencyName: 'Metro PD' }, CLI_ACTOR);
    metroKey = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    countyKey = (await sut.ctx.staff.createApiKey({ agencyName: 'County PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    await relogin();
  });
  afterAll(async () => {
    await sut.close();
    await sut.ctx.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const postIncident = async (over: Record<string, unknown> = {}, key = metroKey) => {
    const res = await sut.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: { authorization: `Bearer ${key}` },
      payload: { source: 'cad', externalId: `A-${++n}`, type: 'ROBBERY', priority: 2, occurredAt: new Date(clock.now().getTime() - 20 * 60_000).toISOString(), location: { lat: 38.90001, lng: -77.03, accuracyM: 5 }, ...over },
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json() as { id: string; matchCount: number };
  };
  const get = (url: string, who: SignedIn = operator) => sut.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
  const post = (url: string, payload: unknown, who: SignedIn = operator) => sut.app.inject({ method: 'POST', url, headers: who.headers, payload: payload as object });
  const queue = async (query = '', who: SignedIn = operator) => {
    const res = await get(`/api/v1/alerts${query}`, who);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { alerts: AlertJson[]; counts: { open: number; unassigned: number; mine: number; unacknowledged: number; byKind: Record<string, number> } };
  };
  const alertOf = async (incidentId: string, kind = 'incident') => (await queue('?status=all&limit=1000')).alerts.find((a) => a.incidentId === incidentId && a.kind === kind);
  const alertEvents = (id: string) => events.filter((e) => e.type === 'alert.changed' && (e.data.alert as AlertJson).id === id);

  it('raises one alert for a new high-priority incident, none for a lower one, none again on a repeat', async () => {
    const before = events.length;
    const urgentRef = `A-${n + 1}`;
    const urgent = await postIncident({ priority: 1, type: 'HOMICIDE' });
    const routine = await postIncident({ priority: 3, type: 'BURGLARY' });
    const alert = await alertOf(urgent.id);
    expect(alert).toMatchObject({ kind: 'incident', priority: 1, status: 'open', title: 'HOMICIDE, priority 1', assignedTo: null, acknowledgedBy: null, snoozedUntil: null });
    expect(alert!.detail).toMatch(/1 camera could have seen it/);
    expect(await alertOf(routine.id)).toBeUndefined();
    // The same feed message again, and a changed one: still one alert.
    await postIncident({ externalId: urgentRef, priority: 1, type: 'HOMICIDE' });
    await postIncident({ externalId: urgentRef, priority: 1, type: 'HOMICIDE', address: undefined, location: { lat: 38.9001, lng: -77.03, accuracyM: 5 } });
    expect((await queue('?status=all&limit=1000')).alerts.filter((a) => a.incidentId === urgent.id)).toHaveLength(1);
    // Published after commit, once, with the incident's agency.
    const published = events.slice(before).filter((e) => e.type === 'alert.changed');
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ incidentId: urgent.id, data: { alert: { id: alert!.id, status: 'open' } } });
    expect(published[0]!.agencyId).toEqual(expect.any(String));
  });

  it('raises the alert when an update re-grades an incident into alert range, once', async () => {
    const ref = `A-${n + 1}`;
    const call = await postIncident({ priority: 4, type: 'THEFT/OTHER' });
    expect(await alertOf(call.id)).toBeUndefined();
    await postIncident({ externalId: ref, priority: 1, type: 'ROBBERY' });
    expect(await alertOf(call.id)).toMatchObject({ kind: 'incident', priority: 1, title: 'ROBBERY, priority 1' });
    await postIncident({ externalId: ref, priority: 2, type: 'ROBBERY' });
    expect((await queue('?status=all&limit=1000')).alerts.filter((a) => a.incidentId === call.id)).toHaveLength(1);
  });

  it('orders the queue by priority, then newest, and counts it', async () => {
    await postIncident({ priority: 2 });
    await postIncident({ priority: 1 });
    const { alerts, counts } = await queue();
    const priorities = alerts.map((a) => a.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    const ones = alerts.filter((a) => a.priority === 1);
    expect(ones.length).toBeGreaterThanOrEqual(2);
    expect(counts.open).toBe(alerts.length);
    expect(counts.unassigned).toBe(alerts.length);
    expect(counts.mine).toBe(0);
    expect(counts.byKind).toEqual({ incident: alerts.length, undelivered: 0, footage: 0, camera_offline: 0 });
  });

  it('acknowledges once, audited and published; auditors and partners cannot', async () => {
    const { id: incidentId } = await postIncident({ priority: 1 });
    const alert = (await alertOf(incidentId))!;
    expect((await post(`/api/v1/alerts/${alert.id}/ack`, {}, auditor)).statusCode).toBe(403);
    expect((await post(`/api/v1/alerts/${alert.id}/ack`, {}, metroPartner)).statusCode).toBe(403);
    const acked = await post(`/api/v1/alerts/${alert.id}/ack`, {});
    expect(acked.statusCode, acked.body).toBe(200);
    expect(acked.json()).toMatchObject({ id: alert.id, status: 'acknowledged', acknowledgedBy: { id: operator.userId, name: expect.any(String) }, acknowledgedAt: clock.now().toISOString() });
    const again = await post(`/api/v1/alerts/${alert.id}/ack`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already acknowledged/);
    const audit = await listAudit(database.db, { action: 'alert.ack', targetId: alert.id }, 10);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorId: operator.userId, incidentId, targetType: 'alert' });
    expect(alertEvents(alert.id).map((e) => (e.data.alert as AlertJson).status)).toEqual(['open', 'acknowledged']);
    // Acknowledged alerts stay in the queue until resolved, counted apart.
    const { alerts, counts } = await queue();
    expect(alerts.find((a) => a.id === alert.id)?.status).toBe('acknowledged');
    expect(counts.unacknowledged).toBe(counts.open - alerts.filter((a) => a.status === 'acknowledged').length);
  });

  it('refuses bad requests with a 4xx that says what was wrong', async () => {
    const { id: incidentId } = await postIncident({ priority: 1 });
    const alert = (await alertOf(incidentId))!;
    const cases: [string, unknown, number, RegExp][] = [
      [`/api/v1/alerts/not-a-uuid/ack`, {}, 400, /id/],
      [`/api/v1/alerts/00000000-0000-4000-8000-000000000000/ack`, {}, 404, /alert does not exist/],
      [`/api/v1/alerts/${alert.id}/ack`, { extra: true }, 400, /extra/],
      [`/api/v1/alerts/${alert.id}/assign`, {}, 400, /staffId/],
      [`/api/v1/alerts/${alert.id}/assign`, { staffId: 'bob' }, 400, /staffId/],
      [`/api/v1/alerts/${alert.id}/assign`, { staffId: '00000000-0000-4000-8000-000000000000' }, 400, /no staff member has that id/],
      [`/api/v1/alerts/${alert.id}/assign`, { staffId: auditor.userId }, 400, /does not work the floor/],
      [`/api/v1/alerts/${alert.id}/assign`, { staffId: metroPartner.userId }, 400, /does not work the floor/],
      [`/api/v1/alerts/${alert.id}/snooze`, { minutes: 0 }, 400, /minutes/],
      [`/api/v1/alerts/${alert.id}/snooze`, { minutes: 1441 }, 400, /minutes/],
      [`/api/v1/alerts/${alert.id}/snooze`, { minutes: '10' }, 400, /minutes/],
      [`/api/v1/alerts/${alert.id}/snooze`, { minutes: 2.5 }, 400, /minutes/],
    ];
    for (const [url, body, status, detail] of cases) {
      const res = await post(url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)}: ${res.body}`).toBe(status);
      expect(res.json().detail, url).toMatch(detail);
    }
    expect((await get('/api/v1/alerts?status=closed')).statusCode).toBe(400);
    expect((await get('/api/v1/alerts?limit=0')).statusCode).toBe(400);
    expect((await get('/api/v1/alerts', auditor)).statusCode).toBe(403);
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(401);
    // Nothing was written by any of them.
    expect((await alertOf(incidentId))).toMatchObject({ status: 'open', assignedTo: null, snoozedUntil: null });
  });

  it('assigns to floor staff only; mine lists what is assigned to me', async () => {
    const { id: incidentId } = await postIncident({ priority: 2 });
    const alert = (await alertOf(incidentId))!;
    const disabled = await createAndSignIn(sut, ['operator'], { agency: 'Metro PD' });
    await sut.ctx.staff.changeUser(disabled.userId, 'disable', CLI_ACTOR);
    const refused = await post(`/api/v1/alerts/${alert.id}/assign`, { staffId: disabled.userId });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().detail).toMatch(/disabled/);
    const colleagues = (await get('/api/v1/colleagues')).json().colleagues as { id: string; name: string; agency: string }[];
    expect(colleagues.map((c) => c.id)).toContain(supervisor.userId);
    expect(colleagues.map((c) => c.id)).not.toContain(auditor.userId);
    expect(colleagues.map((c) => c.id)).not.toContain(metroPartner.userId);
    expect(colleagues.map((c) => c.id)).not.toContain(disabled.userId);
    expect(colleagues.find((c) => c.id === supervisor.userId)?.agency).toBe('Metro PD');
    expect((await get('/api/v1/colleagues', metroPartner)).statusCode).toBe(403);

    const assigned = await post(`/api/v1/alerts/${alert.id}/assign`, { staffId: supervisor.userId });
    expect(assigned.statusCode, assigned.body).toBe(200);
    expect(assigned.json().assignedTo).toEqual({ id: supervisor.userId, name: colleagues.find((c) => c.id === supervisor.userId)!.name });
    const mine = await queue('?mine=true', supervisor);
    expect(mine.alerts.map((a) => a.id)).toEqual([alert.id]);
    expect(mine.counts.mine).toBe(1);
    expect((await queue('?mine=true')).alerts).toEqual([]);
    expect((await listAudit(database.db, { action: 'alert.assign', targetId: alert.id }, 10))[0]!.details).toMatchObject({ assignedTo: supervisor.userId });
  });

  it('hides a snoozed alert until its time comes, then the sweep brings it back to the floor', async () => {
    const { id: incidentId } = await postIncident({ priority: 1 });
    const alert = (await alertOf(incidentId))!;
    const snoozed = await post(`/api/v1/alerts/${alert.id}/snooze`, { minutes: 10 });
    expect(snoozed.statusCode, snoozed.body).toBe(200);
    expect(snoozed.json().snoozedUntil).toBe(new Date(clock.now().getTime() + 10 * 60_000).toISOString());
    const openBefore = (await queue()).counts.open;
    expect((await queue()).alerts.map((a) => a.id)).not.toContain(alert.id);
    expect((await queue('?status=all&limit=1000')).alerts.map((a) => a.id)).toContain(alert.id);
    clock.advance(9 * 60_000);
    expect((await queue()).alerts.map((a) => a.id)).not.toContain(alert.id);
    clock.advance(60_000);
    expect((await queue()).alerts.map((a) => a.id)).toContain(alert.id);
    expect((await queue()).counts.open).toBe(openBefore + 1);
    const seen = alertEvents(alert.id).length;
    expect((await sut.ctx.alerts.sweep()).woken).toBeGreaterThanOrEqual(1);
    const woken = alertEvents(alert.id);
    expect(woken).toHaveLength(seen + 1);
    expect((woken.at(-1)!.data.alert as AlertJson).snoozedUntil).toBeNull();
    await relogin();
  });

  it('resolves once; a resolved alert leaves the queue and takes no more actions', async () => {
    const { id: incidentId } = await postIncident({ priority: 1 });
    const alert = (await alertOf(incidentId))!;
    const resolved = await post(`/api/v1/alerts/${alert.id}/resolve`, {});
    expect(resolved.statusCode, resolved.body).toBe(200);
    expect(resolved.json()).toMatchObject({ status: 'resolved', resolvedAt: clock.now().toISOString() });
    expect((await queue()).alerts.map((a) => a.id)).not.toContain(alert.id);
    for (const [action, body] of [['resolve', {}], ['ack', {}], ['snooze', { minutes: 5 }], ['assign', { staffId: operator.userId }]] as const) {
      expect((await post(`/api/v1/alerts/${alert.id}/${action}`, body)).statusCode, action).toBe(409);
    }
    expect(await listAudit(database.db, { action: 'alert.resolve', targetId: alert.id }, 10)).toHaveLength(1);
  });

  it('shows partners only their own agency’s alerts, and raises none for them to act on', async () => {
    const county = await postIncident({ priority: 1 }, countyKey);
    const metro = await postIncident({ priority: 1 });
    const countyView = await queue('?status=all&limit=1000', countyPartner);
    expect(countyView.alerts.map((a) => a.incidentId)).toContain(county.id);
    expect(countyView.alerts.map((a) => a.incidentId)).not.toContain(metro.id);
    expect(countyView.counts.open).toBe((await queue('', countyPartner)).alerts.length);
    const metroView = await queue('?status=all&limit=1000', metroPartner);
    expect(metroView.alerts.map((a) => a.incidentId)).toContain(metro.id);
    expect(metroView.alerts.map((a) => a.incidentId)).not.toContain(county.id);
    const floorView = await queue('?status=all&limit=1000');
    expect(floorView.alerts.map((a) => a.incidentId)).toEqual(expect.arrayContaining([county.id, metro.id]));
  });

  it('raises a footage alert in the transaction that receives the file, once per file; later files join it until someone takes it up', async () => {
    const { id: incidentId } = await postIncident({ priority: 3, type: 'BURGLARY', location: { lat: 38.92001, lng: -77.03, accuracyM: 5 } });
    const asked = await post(`/api/v1/incidents/${incidentId}/requests`, { purposeCode: 'criminal-investigation', reason: 'A burglary was reported next to your door.' });
    const { requestId, ownerId } = asked.json().outcomes[0] as { requestId: string; ownerId: string };
    await sut.ctx.requests.housekeeping();
    const upload = { uploadId: `alerts-${requestId}`, uploadPath: makeClip('door.avi'), ownerId, requestId, filename: 'door.avi', contentType: 'video/x-msvideo' };
    const evidence = await sut.ctx.evidence.receive(upload);
    const alert = (await alertOf(incidentId, 'footage'))!;
    expect(alert).toMatchObject({ kind: 'footage', evidenceId: evidence.id, requestId, priority: 3, status: 'open' });
    expect(alert.title).toMatch(/Footage received for BURGLARY A-\d+/);
    expect(alert.detail).toMatch(/^door\.avi, \d+\.\d MB/);
    // A retried final upload request is the same file: no second alert.
    await sut.ctx.evidence.receive(upload);
    expect((await queue('?status=all&limit=1000')).alerts.filter((a) => a.evidenceId === evidence.id)).toHaveLength(1);
    // A second clip for the incident joins the alert nobody has taken up yet: one line, counting the files.
    clock.advance(1000);
    const second = await sut.ctx.evidence.receive({ ...upload, uploadId: `alerts-2-${requestId}`, uploadPath: makeClip('porch.avi'), filename: 'porch.avi' });
    const footageAlerts = async () => (await queue('?status=all&limit=1000')).alerts.filter((a) => a.incidentId === incidentId && a.kind === 'footage');
    const joined = await footageAlerts();
    expect(joined).toHaveLength(1);
    expect(joined[0]).toMatchObject({ id: alert.id, evidenceId: second.id, title: expect.stringMatching(/: 2 files$/) });
    expect(joined[0]!.detail).toMatch(/^Latest: porch\.avi/);
    // Once acknowledged, the next clip is news again: a new alert.
    expect((await post(`/api/v1/alerts/${alert.id}/ack`, {})).statusCode).toBe(200);
    clock.advance(1000);
    const third = await sut.ctx.evidence.receive({ ...upload, uploadId: `alerts-3-${requestId}`, uploadPath: makeClip('yard.avi'), filename: 'yard.avi' });
    const after = await footageAlerts();
    expect(after).toHaveLength(2);
    expect(after.find((a) => a.id !== alert.id)).toMatchObject({ status: 'open', evidenceId: third.id, title: expect.not.stringMatching(/files$/) });
    await sut.ctx.evidence.settle();
  });

  it('finds undelivered messages: failed ones at once, unsent ones once overdue; resolves them when they go out', async () => {
    const sweepOnce = async () => {
      await sut.ctx.outbox.runOnce();
      return sut.ctx.alerts.sweep();
    };
    await sweepOnce(); // what earlier tests left behind
    const ask = async (lat: number) => {
      const { id } = await postIncident({ priority: 3, type: 'THEFT/OTHER', location: { lat, lng: -77.03, accuracyM: 5 } });
      const res = await post(`/api/v1/incidents/${id}/requests`, { purposeCode: 'criminal-investigation', reason: 'A theft was reported in front of your camera.' });
      expect(res.statusCode, res.body).toBe(200);
      return { incidentId: id, requestId: res.json().outcomes[0].requestId as string };
    };
    const ana = await ask(38.90001);
    const ben = await ask(38.91001);
    const r1 = await sweepOnce();
    expect(r1.raised).toBe(1); // Ana's message failed for good; Ben's is only retrying, and not yet overdue
    const anaAlert = (await alertOf(ana.incidentId, 'undelivered'))!;
    expect(anaAlert).toMatchObject({ requestId: ana.requestId, priority: 3, status: 'open' });
    expect(anaAlert.title).toMatch(/^Footage request by email not delivered \(THEFT\/OTHER A-\d+\)$/);
    expect(anaAlert.detail).toMatch(/failed after 1 attempt: 550 mailbox unavailable/);
    expect(await alertOf(ben.incidentId, 'undelivered')).toBeUndefined();

    clock.advance(14 * 60_000);
    expect((await sweepOnce()).raised).toBe(0);
    clock.advance(2 * 60_000);
    expect((await sweepOnce()).raised).toBe(1);
    const benAlert = (await alertOf(ben.incidentId, 'undelivered'))!;
    expect(benAlert.detail).toMatch(/still unsent 16 minutes after it was due: connect ECONNREFUSED/);
    // Nothing twice, however often the sweep runs.
    expect((await sweepOnce()).raised).toBe(0);
    expect((await queue('?status=all&limit=1000')).alerts.filter((a) => a.kind === 'undelivered' && [ana.requestId, ben.requestId].includes(a.requestId!))).toHaveLength(2);

    // Ben's mail server comes back: the retry goes out and the sweep resolves his alert; Ana's stays.
    benMailUp = true;
    clock.advance(60 * 60_000);
    await relogin();
    const r = await sweepOnce();
    expect(r.resolved).toBe(1);
    expect((await alertOf(ben.incidentId, 'undelivered'))!.status).toBe('resolved');
    expect((await alertOf(ana.incidentId, 'undelivered'))!.status).toBe('open');
    expect(await listAudit(database.db, { action: 'alert.resolve', targetId: benAlert.id }, 10)).toHaveLength(1);
    await relogin();
  });

  it('takes camera health reports: offline raises one alert per offline spell, online resolves it; a feed gone quiet counts as offline', async () => {
    const cityCam = (await sut.ctx.database.db.execute(`select id from cameras where external_ref = 'city-cam'` as never)) as unknown as { rows: { id: string }[] };
    const cameraId = cityCam.rows[0]!.id;
    const report = (body: unknown, headers: Record<string, string> = { authorization: `Bearer ${metroKey}` }, id = cameraId) =>
      sut.app.inject({ method: 'POST', url: `/api/v1/cameras/${id}/status`, headers, payload: body as object });

    const down = await report({ online: false, detail: 'no video since 13:58' });
    expect(down.statusCode, down.body).toBe(200);
    expect(down.json()).toMatchObject({ cameraId, online: false, since: clock.now().toISOString(), alert: { kind: 'camera_offline', cameraId, priority: 2, status: 'open', detail: 'no video since 13:58' } });
    const first = down.json().alert.id as string;
    clock.advance(60_000);
    const stillDown = await report({ online: false });
    expect(stillDown.json().alert.id).toBe(first);
    expect(stillDown.json().since).toBe(down.json().since);
    const up = await report({ online: true }, operator.headers);
    expect(up.statusCode, up.body).toBe(200);
    expect(up.json()).toMatchObject({ online: true, alert: { id: first, status: 'resolved' } });
    clock.advance(60_000);
    const downAgain = await report({ online: false });
    expect(downAgain.json().alert.id).not.toBe(first);
    expect((await queue('?status=all&limit=1000')).alerts.filter((a) => a.cameraId === cameraId).map((a) => a.status).sort()).toEqual(['open', 'resolved']);
    expect((await listAudit(database.db, { targetId: cameraId, action: 'camera.*' }, 10)).map((a) => a.action)).toEqual(['camera.offline', 'camera.online', 'camera.offline']);

    // A feed that goes quiet: the camera said online, then nothing for longer than the limit (15 minutes).
    expect((await report({ online: true })).statusCode).toBe(200);
    clock.advance(14 * 60_000);
    expect(await sut.ctx.alerts.sweepSilentCameras()).toBe(0);
    clock.advance(2 * 60_000);
    expect(await sut.ctx.alerts.sweepSilentCameras()).toBe(1);
    const silent = (await queue('?status=open&limit=1000')).alerts.find((a) => a.cameraId === cameraId && a.status === 'open')!;
    expect(silent).toMatchObject({ kind: 'camera_offline', priority: 2 });
    expect(silent.detail).toMatch(/^no health report for 16 minutes \(the last, at \d\d:\d\d UTC, said online\)$/);
    expect(await sut.ctx.alerts.sweepSilentCameras()).toBe(0); // once per spell
    expect((await listAudit(database.db, { targetId: cameraId, action: 'camera.*' }, 1))[0]).toMatchObject({ action: 'camera.offline', actorName: 'camera health sweep' });
    // Its next report settles it.
    expect((await report({ online: true })).json()).toMatchObject({ online: true, alert: { id: silent.id, status: 'resolved' } });

    expect((await report({ online: 'no' })).statusCode).toBe(400);
    expect((await report({})).statusCode).toBe(400);
    expect((await report({ online: false, detail: 'x'.repeat(501) })).statusCode).toBe(400);
    expect((await report({ online: false, colour: 'red' })).statusCode).toBe(400);
    const unknown = await report({ online: false }, undefined, '00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().detail).toMatch(/camera does not exist/);
    expect((await report({ online: true }, auditor.headers)).statusCode).toBe(403);
    expect((await report({ online: true }, metroPartner.headers)).statusCode).toBe(403);
    expect((await report({ online: true }, {})).statusCode).toBe(401);
  });
});

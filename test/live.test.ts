// The live floor over a real WebSocket (contract B) against a listening server: hello, events in order as the
// services publish them, resume without gaps or duplicates, reset, visibility by agency, refusals, session end,
// slow readers, metrics.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { InProcessEventBus } from '../src/events/event-bus.js';
import { ManualClock } from '../src/platform/clock.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, listen, makeTestApp, type SignedIn, type TestApp } from './support/app.js';
import { isClient, mustOpen, openLive, sleep, type LiveClient } from './support/live.js';
import { makeClip } from './support/video.js';

const CSV = `external_ref,lat,lng,kind,bearing_deg,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind
shop-1,38.9000,-77.0300,ptz,,360,40,30,shop@example.org,Corner Shop,business
`;

describe.each(testDatabases)('the live floor on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let clock: ManualClock;
  let base: string;
  let operator: SignedIn;
  let metroPartner: SignedIn;
  let countyPartner: SignedIn;
  let metroKey: string;
  let countyKey: string;
  const open: LiveClient[] = [];
  let n = 0;
  let dataDir: string;

  const live = async (cookie: string, after?: number) => {
    const c = await mustOpen(base, { cookie, ...(after !== undefined ? { after } : {}) });
    open.push(c);
    return c;
  };
  const postIncident = async (key: string, extra: Record<string, unknown> = {}) => {
    const res = await fetch(`${base}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      // Priority 4: below the alert threshold, so the only events are the ones each test expects.
      body: JSON.stringify({ source: 'cad', externalId: `L-${++n}`, type: 'ROBBERY', priority: 4, occurredAt: new Date(clock.now().getTime() - 10 * 60_000).toISOString(), location: { lat: 38.90002, lng: -77.03, accuracyM: 5 }, ...extra }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as { id: string; matchCount: number };
  };

  beforeAll(async () => {
    database = await kind.open();
    clock = new ManualClock(new Date());
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-live-'));
    sut = await makeTestApp(database, { clock, config: { dataDir, loginRateLimitPerMinute: 1000, quietHours: '0-0', liveCheckSeconds: 1, liveMaxBufferKb: 256 } });
    base = await listen(sut);
    operator = await createAndSignIn(sut, ['operator'], { agency: 'Metro PD' });
    metroPartner = await createAndSignIn(sut, ['partner'], { agency: 'Metro PD' });
    countyPartner = await createAndSignIn(sut, ['partner'], { agency: 'County PD' });
    metroKey = (await sut.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    countyKey = (await sut.ctx.staff.createApiKey({ agencyName: 'County PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    await sut.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR); // the one camera every incident here matches
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await sut.close();
    await sut.ctx.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('greets with hello at the newest number and answers a ping', async () => {
    await sut.ctx.events.publish({ type: 'incident.note', agencyId: null, data: { warmup: true } });
    const c = await live(operator.cookie);
    expect(c.frames[0]).toEqual({ kind: 'hello', seq: sut.ctx.events.lastSeq() });
    c.ws.send(JSON.stringify({ kind: 'ping' }));
    await c.waitFor((f) => f.kind === 'pong');
    c.ws.send('not json'); // ignored, the connection stays
    c.ws.send(JSON.stringify({ kind: 'ping' }));
    await c.waitFor((f) => f.kind === 'pong' && c.frames.filter((x) => x.kind === 'pong').length === 2);
  });

  it('sends what the services publish, in order: camera import, incident, request, housekeeping, close', async () => {
    const c = await live(operator.cookie);
    const hello = c.frames[0]!.seq!;
    const imported = await sut.ctx.importer.import(CSV, { format: 'csv' }, CLI_ACTOR);
    expect(imported.updated).toBe(1);
    const camera = await c.waitFor((f) => f.type === 'camera.changed');
    expect(camera.data).toMatchObject({ status: 'verified' });

    const incident = await postIncident(metroKey);
    expect(incident.matchCount).toBe(1);
    const created = await c.waitFor((f) => f.type === 'incident.created');
    expect(created).toMatchObject({ incidentId: incident.id, data: { matchCount: 1, incident: { id: incident.id, type: 'ROBBERY', status: 'open', matchCount: 1 } } });
    const metroAgency = (created.data!.incident as { agencyId: string }).agencyId;
    expect(created.agencyId).toBe(metroAgency);

    const asked = await fetch(`${base}/api/v1/incidents/${incident.id}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...operator.headers },
      body: JSON.stringify({ purposeCode: 'criminal-investigation', reason: 'A robbery happened in front of your shop.' }),
    });
    const requestId = ((await asked.json()) as { outcomes: { requestId: string }[] }).outcomes[0]!.requestId;
    const queued = await c.waitFor((f) => f.type === 'request.changed');
    expect(queued).toMatchObject({ incidentId: incident.id, agencyId: metroAgency, data: { request: { id: requestId, status: 'queued', cameraIds: [camera.data!.cameraId] } } });

    await sut.ctx.requests.housekeeping();
    await c.waitFor((f) => f.type === 'request.changed' && f.data!.request!.status === 'sent');

    const closed = await fetch(`${base}/api/v1/incidents/${incident.id}/close`, { method: 'POST', headers: { 'content-type': 'application/json', ...operator.headers }, body: '{}' });
    expect(closed.status).toBe(200);
    await c.waitFor((f) => f.type === 'request.changed' && f.data!.request!.status === 'cancelled');
    const events = c.events();
    expect(events.map((e) => e.type).filter((t) => t !== 'alert.changed')).toEqual(['camera.changed', 'incident.created', 'request.changed', 'request.changed', 'incident.closed', 'request.changed']);
    expect(events.find((e) => e.type === 'incident.closed')!.data!.incident).toMatchObject({ id: incident.id, status: 'closed' });
    // Consecutive numbers from hello on: nothing else was published meanwhile, nothing skipped, nothing twice.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => hello + 1 + i));
    // The REST view and the event's view are the same document.
    const detail = (await (await fetch(`${base}/api/v1/incidents/${incident.id}`, { headers: { cookie: operator.cookie } })).json()) as { requests: unknown[] };
    expect(events.at(-1)!.data!.request).toEqual(detail.requests[0]);
  });

  it('sends footage as it arrives and when it is ready, with the request answered or declined', async () => {
    const c = await live(operator.cookie);
    const incident = await postIncident(metroKey);
    const ask = async () => {
      const res = await fetch(`${base}/api/v1/incidents/${incident.id}/requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...operator.headers },
        body: JSON.stringify({ purposeCode: 'criminal-investigation', reason: 'A robbery happened in front of your shop.' }),
      });
      return ((await res.json()) as { outcomes: { requestId: string; ownerId: string }[] }).outcomes[0]!;
    };
    const { requestId, ownerId } = await ask();
    await sut.ctx.requests.housekeeping();
    await c.waitFor((f) => f.type === 'request.changed' && f.data!.request!.status === 'sent');
    const evidence = await sut.ctx.evidence.receive({ uploadId: `live-${requestId}`, uploadPath: makeClip('clip.avi'), ownerId, requestId, filename: 'clip.avi', contentType: 'video/x-msvideo' });
    const received = await c.waitFor((f) => f.type === 'evidence.received');
    expect(received).toMatchObject({ incidentId: incident.id, agencyId: expect.any(String), data: { incidentIds: [incident.id], evidence: { id: evidence.id, requestId, sha256: evidence.sha256, status: 'processing' } } });
    await c.waitFor((f) => f.type === 'request.changed' && f.data!.request!.status === 'answered');
    await sut.ctx.evidence.settle();
    const ready = await c.waitFor((f) => f.type === 'evidence.ready');
    expect(ready.data!.evidence).toMatchObject({ id: evidence.id, status: 'ready', playable: true });
    expect(ready.seq!).toBeGreaterThan(received.seq!);
    // A later request for the same incident that the owner declines.
    await fetch(`${base}/api/v1/incidents/${incident.id}/close`, { method: 'POST', headers: { 'content-type': 'application/json', ...operator.headers }, body: '{}' });
    const other = await postIncident(metroKey, { occurredAt: new Date(clock.now().getTime() - 3 * 3_600_000).toISOString() });
    const res = await fetch(`${base}/api/v1/incidents/${other.id}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...operator.headers },
      body: JSON.stringify({ purposeCode: 'criminal-investigation', reason: 'Another robbery, earlier that day.' }),
    });
    const second = ((await res.json()) as { outcomes: { requestId: string }[] }).outcomes[0]!.requestId;
    await sut.ctx.evidence.decline(ownerId, second, 'away that week', 'test');
    await c.waitFor((f) => f.type === 'request.changed' && f.data!.request!.id === second && f.data!.request!.status === 'declined');
  });

  it('resumes after a disconnect with exactly the events missed, then live ones', async () => {
    const c = await live(operator.cookie);
    await postIncident(metroKey);
    const seen = (await c.waitFor((f) => f.type === 'incident.created')).seq!;
    await c.close();
    const missed = [await postIncident(metroKey), await postIncident(countyKey), await postIncident(metroKey)];
    const again = await live(operator.cookie, seen);
    expect(again.frames[0]).toEqual({ kind: 'hello', seq: seen + 3 });
    const replayed = await again.waitForEvents(3);
    expect(replayed.map((e) => e.seq)).toEqual([seen + 1, seen + 2, seen + 3]);
    expect(replayed.map((e) => e.incidentId)).toEqual(missed.map((m) => m.id));
    await sleep(150);
    expect(again.events()).toHaveLength(3);
    const next = await postIncident(metroKey);
    await again.waitForEvents(4);
    expect(again.events()[3]).toMatchObject({ seq: seen + 4, incidentId: next.id });
    expect(again.frames.some((f) => f.kind === 'reset')).toBe(false);
  });

  it('says reset when the resume point is older than what is kept, or from before a restart', async () => {
    const small = await makeTestApp(database, { clock, events: new InProcessEventBus(2), config: { loginRateLimitPerMinute: 1000 } });
    try {
      const smallBase = await listen(small);
      const who = await createAndSignIn(small, ['supervisor']);
      for (let i = 0; i < 4; i++) await small.ctx.events.publish({ type: 'incident.note', agencyId: null, data: { i } });
      const old = await mustOpen(smallBase, { cookie: who.cookie, after: 1 });
      await old.waitFor((f) => f.kind === 'reset');
      expect(old.frames.slice(0, 2)).toEqual([{ kind: 'hello', seq: 4 }, { kind: 'reset', seq: 4 }]);
      await small.ctx.events.publish({ type: 'incident.note', agencyId: null, data: { i: 5 } });
      expect((await old.waitForEvents(1))[0]!.seq).toBe(5);
      const kept = await mustOpen(smallBase, { cookie: who.cookie, after: 3 });
      expect((await kept.waitForEvents(2)).map((e) => e.seq)).toEqual([4, 5]);
      const future = await mustOpen(smallBase, { cookie: who.cookie, after: 900 });
      await future.waitFor((f) => f.kind === 'reset');
      await Promise.all([old.close(), kept.close(), future.close()]);
    } finally {
      await small.close();
      await small.ctx.close();
    }
  });

  it("shows a partner their own agency's incidents only, and never the camera map", async () => {
    const op = await live(operator.cookie);
    const metro = await live(metroPartner.cookie);
    const county = await live(countyPartner.cookie);
    const fromMetro = await postIncident(metroKey);
    const fromCounty = await postIncident(countyKey);
    await sut.ctx.importer.import(CSV.replace('38.9000', '38.9001'), { format: 'csv' }, CLI_ACTOR); // camera.changed
    await op.waitForEvents(3);
    await metro.waitForEvents(1);
    await county.waitForEvents(1);
    await sleep(150);
    expect(op.events().map((e) => e.type)).toEqual(['incident.created', 'incident.created', 'camera.changed']);
    expect(metro.events().map((e) => e.incidentId)).toEqual([fromMetro.id]);
    expect(county.events().map((e) => e.incidentId)).toEqual([fromCounty.id]);
  });

  it('refuses without a session, from another site, for a role off the floor, and with a bad resume point', async () => {
    const none = await openLive(base, {});
    expect(isClient(none) ? 'open' : none.refused).toBe(401);
    const foreign = await openLive(base, { cookie: operator.cookie, origin: 'https://evil.example' });
    expect(isClient(foreign) ? 'open' : foreign.refused).toBe(403);
    const noOrigin = await openLive(base, { cookie: operator.cookie, origin: null });
    expect(isClient(noOrigin) ? 'open' : noOrigin.refused).toBe(403);
    const auditor = await createAndSignIn(sut, ['auditor']);
    const offFloor = await openLive(base, { cookie: auditor.cookie });
    expect(isClient(offFloor) ? 'open' : offFloor.refused).toBe(403);
    const bad = await openLive(base, { cookie: operator.cookie, query: '?after=-3' });
    expect(isClient(bad) ? 'open' : bad.refused).toBe(400);
    if (!isClient(bad)) expect(JSON.parse(bad.body)).toMatchObject({ status: 400 });
    const plain = await fetch(`${base}/api/v1/live`, { headers: { cookie: operator.cookie, origin: base } });
    expect(plain.status).toBe(404); // only a WebSocket upgrade is served here
  });

  it('drops a client that stops reading with 1013, and stays up for the others', async () => {
    // A server of its own without liveness checks: a paused client cannot answer a ping, and on a busy machine the
    // check (every second on the suite's server) could drop it as dead before its unsent data pass the limit.
    const patient = await makeTestApp(database, { clock, config: { loginRateLimitPerMinute: 1000, liveCheckSeconds: 300, liveMaxBufferKb: 256 } });
    try {
      const patientBase = await listen(patient);
      const who = await createAndSignIn(patient, ['operator']);
      const slow = await mustOpen(patientBase, { cookie: who.cookie });
      const fine = await mustOpen(patientBase, { cookie: who.cookie });
      const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      const droppedAsSlow = async () => /watchfloor_live_closed_total\{reason="slow",app="watchfloor"\} 1/.test(await (await fetch(`${patientBase}/metrics`)).text());
      // The slow client reads again as soon as the server has given up on it, so that the close frame queued behind
      // its unsent data reaches it before the server stops waiting for the close (5 s), however long the rest takes.
      let resumed = false;
      const pad = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 300; i++) {
        await patient.ctx.events.publish({ type: 'incident.note', agencyId: null, data: { i, pad } });
        await new Promise((r) => setImmediate(r)); // as events come in real life: the server writes between them
        if (!resumed && i % 10 === 9 && (await droppedAsSlow())) {
          socket.resume();
          resumed = true;
        }
      }
      if (!resumed) {
        await expect.poll(droppedAsSlow).toBe(true);
        socket.resume();
      }
      const { code } = await slow.closed;
      expect(code).toBe(1013);
      expect(slow.events().length).toBeLessThan(300);
      await fine.waitForEvents(300, 30_000);
      await fine.close();
    } finally {
      await patient.close();
      await patient.ctx.close();
    }
  });

  it('reports connected clients and events sent in the metrics', async () => {
    const before = await (await fetch(`${base}/metrics`)).text();
    const sent = (text: string) => Number(/watchfloor_live_events_sent_total\{app="watchfloor"\} (\d+)/.exec(text)?.[1]);
    const clients = (text: string) => Number(/watchfloor_live_clients\{app="watchfloor"\} (\d+)/.exec(text)?.[1]);
    const c = await live(operator.cookie);
    await postIncident(metroKey);
    await c.waitForEvents(1);
    const after = await (await fetch(`${base}/metrics`)).text();
    expect(clients(after)).toBe(clients(before) + 1);
    expect(sent(after)).toBeGreaterThanOrEqual(sent(before) + 1);
    expect(after).toMatch(new RegExp(`watchfloor_live_last_seq\\{app="watchfloor"\\} ${sut.ctx.events.lastSeq()}`));
  });

  it('closes with 4401 when the session is signed out', async () => {
    const who = await createAndSignIn(sut, ['supervisor']);
    const c = await live(who.cookie);
    const out = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json', ...who.headers }, body: '{}' });
    expect(out.status).toBeLessThan(300);
    const { code } = await c.closed;
    expect(code).toBe(4401);
    const back = await openLive(base, { cookie: who.cookie });
    expect(isClient(back) ? 'open' : back.refused).toBe(401);
  });

  it('closes with 4401 when the session reaches its lifetime, without a request', async () => {
    const c = await live(operator.cookie);
    clock.advance(sut.ctx.config.sessionMaxHours * 3_600_000 + 1000);
    const { code, reason } = await c.closed;
    expect(code).toBe(4401);
    expect(reason).toContain('sign in again');
  });
});

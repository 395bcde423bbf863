// CameraConnect end to end through the HTTP API: register, mail, review, index, owner link, withdraw, erase.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { ManualClock } from '../src/platform/clock.js';
import { createMailer } from '../src/platform/mailer.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { verifyAuditChain } from '../src/audit/audit.verify.js';
import { findOwner } from '../src/cameras/camera.repository.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';
import { linkIn, startMailCatcher, type MailCatcher } from './support/mail.js';

/** A doorbell on a Capitol Hill street, looking east. */
export function registration(overrides: { email?: string; name?: string; lat?: number; lng?: number; kind?: string; camera?: Record<string, unknown> } = {}) {
  return {
    owner: { name: overrides.name ?? 'Rosa Parks', email: overrides.email ?? 'rosa@example.org', phone: '+1 202 555 0100', kind: overrides.kind ?? 'resident' },
    cameras: [
      {
        location: { lat: overrides.lat ?? 38.8895, lng: overrides.lng ?? -76.9951 },
        kind: 'doorbell',
        bearingDeg: 90,
        fovDeg: 120,
        rangeM: 20,
        retentionDays: 14,
        tier: 'registered',
        label: 'Front door',
        ...overrides.camera,
      },
    ],
    consent: true,
  };
}

describe.each(testDatabases)('CameraConnect on $name', (kind) => {
  let database: Database;
  let mail: MailCatcher;
  let sut: TestApp;
  let supervisor: SignedIn;
  let operator: SignedIn;
  const clock = new ManualClock('2026-06-01T14:00:00Z');

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => sut.app.inject({ method: 'POST', url, payload: payload as object, headers });
  const deliver = () => sut.ctx.outbox.runOnce();

  beforeAll(async () => {
    database = await kind.open();
    mail = await startMailCatcher();
    sut = await makeTestApp(database, {
      clock,
      config: { loginRateLimitPerMinute: 1000, publicRateLimitPerMinute: 10_000, registrationRateLimitPerHour: 1000, withdrawnRetentionDays: 30, publicUrl: 'https://cameras.example.gov' },
      mailer: createMailer(mail.url, 'CameraConnect <cameras@example.gov>'),
    });
    supervisor = await createAndSignIn(sut, ['supervisor']);
    operator = await createAndSignIn(sut, ['operator']);
  });
  afterAll(async () => {
    await sut.close();
    await sut.ctx.close();
    await mail.close();
    await database.close();
  });

  it('registers cameras, mails the owner a link, and keeps them out of matching until verified', async () => {
    const res = await post('/api/v1/registrations', registration());
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toEqual({ status: 'received', cameraCount: 1 });
    expect(await deliver()).toBe(1);
    const m = mail.received.at(-1)!;
    expect(m.to).toContain('rosa@example.org');
    expect(m.subject).toBe('Your cameras are registered with CameraConnect');
    expect(m.text).toContain('https://cameras.example.gov/connect/manage#token=');
    expect(sut.ctx.cameras.index.size).toBe(0);

    const queue = await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/review-queue', headers: { cookie: supervisor.cookie } });
    const item = queue.json().items.find((i: { owner: { email: string } }) => i.owner.email === 'rosa@example.org');
    expect(item.camera).toMatchObject({ status: 'pending', kind: 'doorbell', tier: 'registered', hasStream: false });
    expect((await listAudit(database.db, { action: 'owner.view', actorId: supervisor.userId }, 5)).length).toBeGreaterThan(0);

    // Operators cannot see the queue (owner personal data).
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/review-queue', headers: { cookie: operator.cookie } })).statusCode).toBe(403);

    const verified = await post(`/api/v1/cameras/${item.camera.id}/verify`, {}, supervisor.headers);
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json().status).toBe('verified');
    // 10 m east of the camera, inside its wedge.
    const near = await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/nearby?lat=38.8895&lng=-76.99498&accuracyM=5&purpose=test', headers: { cookie: operator.cookie } });
    expect(near.json().matches.map((x: { cameraId: string }) => x.cameraId)).toEqual([item.camera.id]);
    // Behind it (west): not seen.
    const behind = await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/nearby?lat=38.8895&lng=-76.99522&accuracyM=0', headers: { cookie: operator.cookie } });
    expect(behind.json().matches).toEqual([]);
    await deliver();
    expect(mail.received.at(-1)!.subject).toBe('Your camera registration is approved');
  });

  it('lets the owner open the page once with the link, edit, pause, withdraw; withdrawal leaves the index at once', async () => {
    const first = mail.received.find((m) => m.subject.startsWith('Your cameras are registered') && m.to.includes('rosa@'))!;
    const token = linkIn(first);
    const opened = await post('/api/v1/owner/session', { token });
    expect(opened.statusCode, opened.body).toBe(200);
    const cookie = `wf_owner=${opened.cookies.find((c) => c.name === 'wf_owner')!.value}`;
    const cameraId = opened.json().cameras[0].id as string;
    expect(opened.json().owner.email).toBe('rosa@example.org');

    const reused = await post('/api/v1/owner/session', { token });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().detail).toMatch(/already been used/);
    const forged = await post('/api/v1/owner/session', { token: token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA') });
    expect(forged.statusCode).toBe(401);
    expect(forged.json().detail).toMatch(/not valid/);

    const json = { cookie, 'content-type': 'application/json' };
    // A label change keeps it verified; a new bearing sends it back to review and out of the index.
    const relabel = await sut.app.inject({ method: 'PATCH', url: `/api/v1/owner/cameras/${cameraId}`, headers: json, payload: { label: 'Porch' } });
    expect(relabel.json()).toMatchObject({ label: 'Porch', status: 'verified' });
    const noJson = await sut.app.inject({ method: 'POST', url: `/api/v1/owner/cameras/${cameraId}/pause`, headers: { cookie } });
    expect(noJson.statusCode).toBe(403);
    const paused = await sut.app.inject({ method: 'POST', url: `/api/v1/owner/cameras/${cameraId}/pause`, headers: json, payload: {} });
    expect(paused.json().status).toBe('paused');
    expect(sut.ctx.cameras.index.has(cameraId)).toBe(false);
    const resumed = await sut.app.inject({ method: 'POST', url: `/api/v1/owner/cameras/${cameraId}/resume`, headers: json, payload: {} });
    expect(resumed.json().status).toBe('verified');
    expect(sut.ctx.cameras.index.has(cameraId)).toBe(true);

    const exported = await sut.app.inject({ method: 'GET', url: '/api/v1/owner/export', headers: { cookie } });
    expect(exported.json().owner.name).toBe('Rosa Parks');
    expect(exported.json().messages.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(exported.json())).not.toMatch(/stream_?url|Enc/);

    const withdrawn = await sut.app.inject({ method: 'POST', url: '/api/v1/owner/withdraw', headers: json, payload: {} });
    expect(withdrawn.json()).toEqual({ withdrawn: 1, ownerWithdrawn: true, erased: false });
    expect(sut.ctx.cameras.index.has(cameraId)).toBe(false);
    const gone = await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/nearby?lat=38.8895&lng=-76.99498&accuracyM=5', headers: { cookie: operator.cookie } });
    expect(gone.json().matches).toEqual([]);

    // Personal data is erased once the retention period is over, and not before.
    const ownerId = opened.json().owner.id as string;
    expect(await sut.ctx.owners.eraseDue()).toBe(0);
    clock.advance(31 * 86_400_000);
    expect(await sut.ctx.owners.eraseDue()).toBe(1);
    const erased = await findOwner(database.db, ownerId);
    expect(erased).toMatchObject({ name: null, email: null, phone: null });
    expect(erased!.erasedAt).toBeTruthy();
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/owner/me', headers: { cookie } })).statusCode).toBe(401);
    // A month has passed: staff sign in again for the tests that follow.
    supervisor = await createAndSignIn(sut, ['supervisor']);
    operator = await createAndSignIn(sut, ['operator']);
    const trail = JSON.stringify(await listAudit(database.db, { targetId: ownerId }, 50));
    expect(trail).not.toContain('rosa@example.org');
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it.each([
    ['a location outside the service area', registration({ lat: 40.7128, lng: -74.006 }), /outside the program's service area/],
    ['bearing 400', registration({ camera: { bearingDeg: 400 } }), /bearingDeg: must be <= 360/],
    ['angle 0', registration({ camera: { fovDeg: 0 } }), /fovDeg: must be >= 1/],
    ['negative retention', registration({ camera: { retentionDays: -1 } }), /retentionDays: must be >= 0/],
    ['no consent', { ...registration(), consent: false }, /consent/],
    ['a live-view camera from a resident', registration({ camera: { tier: 'integrated', stream: { url: 'rtsp://10.0.0.5/live' } } }), /business, apartment and commercial/],
    ['an unknown field', { ...registration(), admin: true }, /unknown field "admin"/],
    ['a string where a number belongs', registration({ camera: { rangeM: '20' } }), /rangeM/],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_what, body, message) => {
    await deliver();
    const before = mail.received.length;
    const res = await post('/api/v1/registrations', body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().detail).toMatch(message);
    await deliver();
    expect(mail.received.length).toBe(before);
  });

  it('refuses a 5 MB name and a duplicate submission; ignores the honeypot silently', async () => {
    const huge = await post('/api/v1/registrations', registration({ name: 'x'.repeat(5 * 1024 * 1024) }));
    expect(huge.statusCode).toBe(413);
    const body = registration({ email: 'twice@example.org', lat: 38.9, lng: -77.03 });
    expect((await post('/api/v1/registrations', body)).statusCode).toBe(202);
    const again = await post('/api/v1/registrations', body);
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toMatch(/already received/);
    const queueBefore = (await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/review-queue', headers: { cookie: supervisor.cookie } })).json().items.length;
    const bot = await post('/api/v1/registrations', { ...registration({ email: 'bot@example.org', lat: 38.91, lng: -77.02 }), website: 'http://spam.example' });
    expect(bot.statusCode).toBe(202);
    const queueAfter = (await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/review-queue', headers: { cookie: supervisor.cookie } })).json().items.length;
    expect(queueAfter).toBe(queueBefore);
  });

  it('stores stream credentials sealed and never returns them', async () => {
    const res = await post(
      '/api/v1/registrations',
      registration({ email: 'shop@example.org', kind: 'business', lat: 38.905, lng: -77.04, camera: { tier: 'integrated', kind: 'dome', stream: { url: 'rtsp://203.0.113.7:554/stream1', username: 'viewer', password: 'hunter2-secret' } } }),
    );
    expect(res.statusCode, res.body).toBe(202);
    const queue = await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/review-queue', headers: { cookie: supervisor.cookie } });
    const item = queue.json().items.find((i: { owner: { email: string } }) => i.owner.email === 'shop@example.org');
    expect(item.camera).toMatchObject({ tier: 'integrated', hasStream: true });
    expect(queue.body).not.toContain('hunter2');
    expect(queue.body).not.toContain('203.0.113.7');
    const { rows } = (await database.db.execute(`select stream_url_enc, stream_credentials_enc from cameras where id = '${item.camera.id}'` as never)) as unknown as { rows: { stream_url_enc: string; stream_credentials_enc: string }[] };
    expect(rows[0]!.stream_url_enc).toMatch(/^v1\./);
    expect(rows[0]!.stream_credentials_enc).not.toContain('hunter2');
    expect(sut.ctx.box.open(rows[0]!.stream_url_enc, `stream-url:${item.camera.id}`)).toBe('rtsp://203.0.113.7:554/stream1');
  });

  it('rejects with a reason the owner receives, and asks for changes', async () => {
    await post('/api/v1/registrations', registration({ email: 'reject@example.org', lat: 38.92, lng: -77.0 }));
    await post('/api/v1/registrations', registration({ email: 'change@example.org', lat: 38.93, lng: -77.01 }));
    const items = (await sut.app.inject({ method: 'GET', url: '/api/v1/cameras/review-queue', headers: { cookie: supervisor.cookie } })).json().items as { camera: { id: string }; owner: { email: string } }[];
    const toReject = items.find((i) => i.owner.email === 'reject@example.org')!;
    const toChange = items.find((i) => i.owner.email === 'change@example.org')!;
    expect((await post(`/api/v1/cameras/${toReject.camera.id}/reject`, {}, supervisor.headers)).statusCode).toBe(400);
    const rejected = await post(`/api/v1/cameras/${toReject.camera.id}/reject`, { reason: 'The camera looks into a neighbour’s window.' }, supervisor.headers);
    expect(rejected.json()).toMatchObject({ status: 'rejected', reviewNote: 'The camera looks into a neighbour’s window.' });
    const changed = await post(`/api/v1/cameras/${toChange.camera.id}/request-changes`, { reason: 'Please place the pin on your building.' }, supervisor.headers);
    expect(changed.json()).toMatchObject({ status: 'pending', changesRequested: true });
    expect((await post(`/api/v1/cameras/${toReject.camera.id}/verify`, {}, supervisor.headers)).statusCode).toBe(409);
    await deliver();
    const rejection = mail.received.find((m) => m.to.includes('reject@example.org') && m.subject.includes('not approved'))!;
    expect(rejection.text).toContain('The camera looks into a neighbour’s window.');
    expect(mail.received.some((m) => m.to.includes('change@example.org') && m.subject === 'Please update your camera registration')).toBe(true);
  });

  it('mails a new link on request without telling whether the address is registered', async () => {
    await deliver();
    const before = mail.received.length;
    const known = await post('/api/v1/owner/links', { email: 'change@example.org' });
    const unknown = await post('/api/v1/owner/links', { email: 'nobody@example.org' });
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    await deliver();
    expect(mail.received.length).toBe(before + 1);
    expect(mail.received.at(-1)!.subject).toBe('Your CameraConnect link');
  });

  it('expires owner links', async () => {
    await post('/api/v1/owner/links', { email: 'change@example.org' });
    await deliver();
    const token = linkIn(mail.received.at(-1)!);
    clock.advance(25 * 3_600_000);
    const res = await post('/api/v1/owner/session', { token });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/expired/);
  });

  it('keeps an owner session alive while it is used (an upload), idle for an hour ends it, and 12 hours end it anyway', async () => {
    const openSession = async () => {
      await post('/api/v1/owner/links', { email: 'change@example.org' });
      await deliver();
      const opened = await post('/api/v1/owner/session', { token: linkIn(mail.received.at(-1)!) });
      expect(opened.statusCode).toBe(200);
      const setCookie = String(opened.headers['set-cookie']);
      // The cookie lasts the absolute lifetime; the server decides idleness.
      const cookieExpires = new Date(/Expires=([^;]+)/.exec(setCookie)![1]!).getTime();
      expect(cookieExpires - clock.now().getTime()).toBeGreaterThan(11.9 * 3_600_000);
      return setCookie.split(';')[0]!;
    };
    const me = (cookie: string) => sut.app.inject({ method: 'GET', url: '/api/v1/owner/me', headers: { cookie } });

    const busy = await openSession();
    // Used every 40 minutes for 11 h 20 min: still signed in.
    for (let minutes = 40; minutes <= 680; minutes += 40) {
      clock.advance(40 * 60_000);
      const r = await me(busy);
      expect(r.statusCode, `${minutes}: ${r.body}`).toBe(200);
    }
    // Past 12 hours it ends, however busy.
    clock.advance(40 * 60_000);
    expect((await me(busy)).statusCode).toBe(401);

    const idle = await openSession();
    clock.advance(50 * 60_000);
    expect((await me(idle)).statusCode).toBe(200);
    clock.advance(61 * 60_000);
    expect((await me(idle)).statusCode).toBe(401);
  });

  it('publishes coverage only as counts per hexagon, and only where there are several cameras', async () => {
    const coverage = await sut.app.inject({ method: 'GET', url: '/api/v1/public/coverage.geojson' });
    expect(coverage.headers['content-type']).toContain('application/geo+json');
    const doc = coverage.json();
    expect(doc.type).toBe('FeatureCollection');
    for (const f of doc.features) expect(f.properties.cameras).toBeGreaterThanOrEqual(3);
    expect(coverage.body).not.toContain('38.8895');
  });
});

// Owner answers: decline, or a resumable tus upload that becomes evidence with a hash, a playable copy and custody.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/client.js';
import { verifyAuditChain } from '../src/audit/audit.verify.js';
import { testDatabases } from './support/databases.js';
import { makeTestApp, type SignedIn, type TestApp } from './support/app.js';
import { makeClip } from './support/video.js';
import { askShopForFootage, tusMetadata } from './support/footage.js';



describe.each(testDatabases)('evidence on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let base: string;
  let operator: SignedIn;
  let ownerCookie: string;
  let requestId: string;
  let dataDir: string;

  beforeAll(async () => {
    database = await kind.open();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-evidence-'));
    sut = await makeTestApp(database, { clock: { now: () => new Date() }, config: { dataDir, loginRateLimitPerMinute: 1000, quietHours: '0-0', uploadMaxBytes: 5 * 1024 * 1024 } });
    ({ base, operator, requestId, ownerCookie } = await askShopForFootage(sut, database));
  });
  afterAll(async () => {
    await sut.close();
    await sut.ctx.close();
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const create = (size: number, filename: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': String(size), 'upload-metadata': tusMetadata({ requestId, filename, filetype: 'video/x-msvideo' }), cookie: ownerCookie, ...headers } });
  const patch = (location: string, offset: number, body: Buffer) =>
    fetch(`${base}${location}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', cookie: ownerCookie }, body });

  it('takes an upload in pieces, refuses a wrong offset, and keeps the original byte for byte with its hash', async () => {
    const clip = fs.readFileSync(makeClip('porch.avi'));
    const sha = crypto.createHash('sha256').update(clip).digest('hex');
    const created = await create(clip.length, 'porch.avi');
    expect(created.status, await created.clone().text()).toBe(201);
    const location = created.headers.get('location')!;
    const half = Math.floor(clip.length / 2);
    const first = await patch(location, 0, clip.subarray(0, half));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(half));
    expect((await patch(location, 10, clip.subarray(10, 20))).status).toBe(409);
    const head = await fetch(`${base}${location}`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', cookie: ownerCookie } });
    expect(head.headers.get('upload-offset')).toBe(String(half));
    const last = await patch(location, half, clip.subarray(half));
    expect(last.status).toBe(204);
    const evidenceId = last.headers.get('x-evidence-id')!;
    expect(last.headers.get('x-evidence-sha256')).toBe(sha);
    await sut.ctx.evidence.settle();

    const facts = (await sut.app.inject({ method: 'GET', url: `/api/v1/evidence/${evidenceId}`, headers: { cookie: operator.cookie } })).json();
    expect(facts.evidence).toMatchObject({ sha256: sha, sizeBytes: clip.length, status: 'ready', playable: true, originalName: 'porch.avi' });
    expect(facts.evidence.probe).toMatchObject({ videoCodec: 'mpeg4', hasVideo: true });
    expect(facts.evidence.coverageWarning).toMatch(/shorter than/);

    const original = await fetch(`${base}/api/v1/evidence/${evidenceId}/original?purpose=case%20file`, { headers: { cookie: operator.cookie } });
    const bytes = Buffer.from(await original.arrayBuffer());
    expect(original.headers.get('x-content-sha256')).toBe(sha);
    expect(crypto.createHash('sha256').update(bytes).digest('hex')).toBe(sha);

    const play = await fetch(`${base}/api/v1/evidence/${evidenceId}/play`, { headers: { cookie: operator.cookie, range: 'bytes=0-99' } });
    expect(play.status).toBe(206);
    expect(play.headers.get('content-type')).toContain('video/mp4');

    const custody = (await sut.app.inject({ method: 'GET', url: `/api/v1/evidence/${evidenceId}`, headers: { cookie: operator.cookie } })).json().custody.map((c: { action: string }) => c.action);
    expect(custody).toEqual(['evidence.received', 'evidence.hashed', 'evidence.ready', 'evidence.downloaded', 'evidence.viewed']);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);

    const detail = await sut.app.inject({ method: 'GET', url: `/api/v1/requests/${requestId}/evidence`, headers: { cookie: operator.cookie } });
    expect(detail.json().evidence).toHaveLength(1);
    expect((await sut.ctx.evidence.verifyAll()).mismatches).toEqual([]);
  });

  it('keeps what arrived of a PATCH cut off half way, resumes from there to the same hash, and refuses a body beyond the length', async () => {
    const clip = fs.readFileSync(makeClip('cut.avi'));
    const sha = crypto.createHash('sha256').update(clip).digest('hex');
    const location = (await create(clip.length, 'cut.avi')).headers.get('location')!;
    const tooLong = await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', cookie: ownerCookie }, body: Buffer.concat([clip, Buffer.alloc(10)]) });
    expect(tooLong.status).toBe(413);
    // The body announces the whole clip; two thirds of it are sent, and once the server has stored them (however
    // long a busy machine takes to get there) the connection drops.
    const sent = Math.floor((clip.length * 2) / 3);
    const stored = path.join(dataDir, 'uploads', location.split('/').pop()!);
    const req = http.request(`${base}${location}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(clip.length), cookie: ownerCookie } });
    const dropped = new Promise<void>((resolve) => req.on('error', () => resolve()).on('close', () => resolve()));
    req.write(clip.subarray(0, sent));
    await expect.poll(() => (fs.existsSync(stored) ? fs.statSync(stored).size : 0), { timeout: 20_000, interval: 50 }).toBe(sent);
    req.destroy();
    await dropped;
    // The server ends the cut-off PATCH on its side, and HEAD tells where to resume.
    await expect
      .poll(async () => Number((await fetch(`${base}${location}`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', cookie: ownerCookie } })).headers.get('upload-offset')), { timeout: 20_000, interval: 50 })
      .toBe(sent);
    const offset = sent;
    const rest = await patch(location, offset, clip.subarray(offset));
    expect(rest.status).toBe(204);
    expect(rest.headers.get('x-evidence-sha256')).toBe(sha);
    await sut.ctx.evidence.settle();
    expect((await sut.ctx.evidence.verifyAll()).mismatches).toEqual([]);
  });

  it('refuses a file that is not video, too large, of the wrong kind, or without a session', async () => {
    const junk = crypto.randomBytes(4000);
    const created = await create(junk.length, 'clip.mp4');
    const res = await patch(created.headers.get('location')!, 0, junk);
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/no video/);
    expect((await create(6 * 1024 * 1024, 'big.mp4')).status).toBe(413);
    const exe = await create(100, 'setup.exe');
    expect(exe.status).toBe(400);
    expect(await exe.text()).toMatch(/not a video file/);
    const anonymous = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '100' } });
    expect(anonymous.status).toBe(401);
  });

  it('reports a stored original whose bytes changed', async () => {
    const ev = (await sut.app.inject({ method: 'GET', url: `/api/v1/requests/${requestId}/evidence`, headers: { cookie: operator.cookie } })).json().evidence[0];
    const stored = (await database.db.execute(`select original_key from evidence where id = '${ev.id}'` as never)) as unknown as { rows: { original_key: string }[] };
    const file = path.join(dataDir, 'evidence', stored.rows[0]!.original_key);
    fs.chmodSync(file, 0o640);
    fs.appendFileSync(file, 'tampered');
    const r = await sut.ctx.evidence.verifyAll();
    expect(r.mismatches.map((m) => m.id)).toEqual([ev.id]);
  });

  it('lets the owner decline another request, once', async () => {
    const json = { cookie: ownerCookie, 'content-type': 'application/json' };
    const declined = await fetch(`${base}/api/v1/owner/requests/${requestId}/decline`, { method: 'POST', headers: json, body: '{}' });
    expect(declined.status).toBe(409); // footage was already shared for this one
    const me = (await (await fetch(`${base}/api/v1/owner/me`, { headers: { cookie: ownerCookie } })).json()) as { requests: { id: string; status: string }[] };
    expect(me.requests[0]).toMatchObject({ id: requestId, status: 'answered' });
  });
});

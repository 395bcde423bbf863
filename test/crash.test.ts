// What the API acknowledged survives kill -9: a sign-in's audit entry is there after a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { totpCode } from '../src/auth/totp.js';
import { runCli, startServerProcess } from './support/process.js';
import { TEST_PASSWORD, TEST_SECRET_KEY } from './support/app.js';
import crypto from 'node:crypto';
import { issueOwnerLink } from '../src/cameras/owner-links.js';
import { requestsOfIncident } from '../src/requests/request.repository.js';
import { makeClip } from './support/video.js';

describe('crash safety (PGlite in a folder)', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-crash-'));
    env = { WATCHFLOOR_DATA_DIR: dir, WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY };
    const ctx = await createContext(loadConfig(env), { command: 'test setup' });
    await ctx.staff.createUser({ agencyName: 'Metro PD', username: 'survivor', password: TEST_PASSWORD, roles: ['operator'] }, CLI_ACTOR);
    await ctx.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps an acknowledged sign-in and its audit entry through SIGKILL', async () => {
    const server = await startServerProcess(env);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'survivor', password: TEST_PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { enrollment } = (await login.json()) as { enrollment: { secret: string } };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const totp = await fetch(`${server.url}/api/v1/auth/totp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ code: totpCode(enrollment.secret, new Date()) }),
    });
    expect(totp.status).toBe(200);
    // Killed the moment the acknowledgement arrives: no graceful shutdown, no flush.
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('close', resolve));

    const verify = await runCli(['audit', 'verify'], env);
    expect(verify.stderr).toBe('');
    expect(verify.code).toBe(0);

    const ctx = await createContext(loadConfig(env), { command: 'test check' });
    try {
      const entries = await listAudit(ctx.database.db, { action: 'auth.login', outcome: 'success' }, 10);
      expect(entries.some((e) => e.actorName === 'survivor')).toBe(true);
      const enrolled = await listAudit(ctx.database.db, { action: 'auth.totp_enrolled' }, 10);
      expect(enrolled).toHaveLength(1);
    } finally {
      await ctx.close();
    }
  });
});

describe('crash safety of intake and uploads', { timeout: 180_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let apiKey: string;
  let ownerToken: string;
  let requestId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-crash2-'));
    env = { WATCHFLOOR_DATA_DIR: dir, WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY, WATCHFLOOR_AUTO_REQUEST_TYPES: 'ROBBERY', WATCHFLOOR_QUIET_HOURS: '0-0' };
    const ctx = await createContext(loadConfig(env), { command: 'test setup' });
    await ctx.importer.import(
      'external_ref,lat,lng,kind,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind\nk-1,38.9000,-77.0300,ptz,360,40,30,k@example.org,K,business\n',
      { format: 'csv' },
      CLI_ACTOR,
    );
    apiKey = (await ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
    const r = await ctx.incidents.ingest(
      { source: 'cad', externalId: 'K-0', type: 'ROBBERY', priority: 2, occurredFrom: new Date(Date.now() - 600_000).toISOString(), occurredTo: null, location: { lat: 38.90001, lng: -77.03, accuracyM: 5 }, address: null },
      CLI_ACTOR,
    );
    const [req] = await requestsOfIncident(ctx.database.db, r.incident.id);
    requestId = req!.id;
    await ctx.requests.housekeeping();
    ownerToken = (await ctx.database.db.transaction((tx) => issueOwnerLink(tx, ctx.box, req!.ownerId, 'http://x', 60, new Date()))).token;
    await ctx.close();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps an acknowledged incident and its owner message through SIGKILL, and sends the message once', async () => {
    const server = await startServerProcess(env);
    const res = await fetch(`${server.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ source: 'cad', externalId: 'K-1', type: 'ROBBERY', priority: 2, occurredAt: new Date(Date.now() - 60_000).toISOString(), location: { lat: 38.90001, lng: -77.03, accuracyM: 5 } }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('close', resolve));

    const sent: string[] = [];
    const ctx = await createContext(loadConfig(env), { command: 'test check', mailer: { send: async (m) => (sent.push(m.messageId), { providerMessageId: m.messageId }), close() {} } });
    try {
      const [req] = await requestsOfIncident(ctx.database.db, id);
      expect(req).toBeDefined();
      expect(await ctx.outbox.runOnce()).toBeGreaterThanOrEqual(1);
      expect(await ctx.outbox.runOnce()).toBe(0);
      expect(sent.filter((m) => m === `<request_${req!.id}@watchfloor>`)).toHaveLength(1);
    } finally {
      await ctx.close();
    }
  });

  it('resumes an upload cut off by SIGKILL, and the stored file hashes like the source', async () => {
    const clip = fs.readFileSync(makeClip('cut.avi', { seconds: 8 }));
    let server = await startServerProcess(env);
    const opened = await fetch(`${server.url}/api/v1/owner/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ownerToken }) });
    expect(opened.status).toBe(200);
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
    const tus = { 'tus-resumable': '1.0.0', cookie };
    const meta = `requestId ${Buffer.from(requestId).toString('base64')},filename ${Buffer.from('cut.avi').toString('base64')}`;
    const created = await fetch(`${server.url}/api/v1/uploads`, { method: 'POST', headers: { ...tus, 'upload-length': String(clip.length), 'upload-metadata': meta } });
    const location = created.headers.get('location')!;

    // Send 60 % and keep the request open, then kill the server mid-request.
    const cut = Math.floor(clip.length * 0.6);
    const body = new ReadableStream({ start: (c) => c.enqueue(new Uint8Array(clip.subarray(0, cut))) });
    const inflight = fetch(`${server.url}${location}`, { method: 'PATCH', headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body, duplex: 'half' } as RequestInit).catch((e: Error) => e);
    // Killed once part of it is on disk (a loaded machine may take more than a moment to get there).
    const stored = path.join(dir, 'uploads', location.split('/').pop()!);
    await expect.poll(() => (fs.existsSync(stored) ? fs.statSync(stored).size : 0), { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    server.child.kill('SIGKILL');
    await new Promise((resolve) => server.child.once('close', resolve));
    expect(await inflight).toBeInstanceOf(Error);

    server = await startServerProcess(env);
    try {
      const head = await fetch(`${server.url}${location}`, { method: 'HEAD', headers: tus });
      const offset = Number(head.headers.get('upload-offset'));
      expect(offset).toBeGreaterThan(0);
      expect(offset).toBeLessThanOrEqual(cut);
      const rest = await fetch(`${server.url}${location}`, { method: 'PATCH', headers: { ...tus, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: clip.subarray(offset) });
      expect(rest.status).toBe(204);
      expect(rest.headers.get('x-evidence-sha256')).toBe(crypto.createHash('sha256').update(clip).digest('hex'));
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('close', resolve));
    }
  });
});

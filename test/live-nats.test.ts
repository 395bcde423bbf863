// Several instances: two apps on one PostgreSQL database share the floor through NATS JetStream. Runs when
// TEST_NATS_URL (a nats-server started with -js) and TEST_DATABASE_URL are set; skipped otherwise.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { NatsEventBus } from '../src/events/nats-event-bus.js';
import { FloorPublisher } from '../src/events/floor-publisher.js';
import * as cameraRepo from '../src/cameras/camera.repository.js';
import { CONSENT_VERSION } from '../src/cameras/terms.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { TEST_DATABASE_URL } from './support/databases.js';
import { createAndSignIn, listen, makeTestApp, type SignedIn, type TestApp } from './support/app.js';
import { mustOpen, sleep, type LiveClient } from './support/live.js';

const TEST_NATS_URL = process.env.TEST_NATS_URL;
const ready = !!TEST_NATS_URL && !!TEST_DATABASE_URL;
if (!ready) {
  console.warn(
    `live-nats: skipped — needs ${[!TEST_NATS_URL && 'TEST_NATS_URL (e.g. nats://127.0.0.1:4222, nats-server -js)', !TEST_DATABASE_URL && 'TEST_DATABASE_URL'].filter(Boolean).join(' and ')}`,
  );
}

/** A stream and subject prefix of this run's own, so parallel runs on one NATS server never meet. */
function busOptions(tag: string, extra: { maxEvents?: number; keep?: number } = {}) {
  return { url: TEST_NATS_URL!, stream: `WF_TEST_${tag}`, subjectPrefix: `wftest_${tag}.floor`, ...extra };
}

describe.skipIf(!ready)('two instances sharing the floor through NATS', () => {
  const tag = crypto.randomBytes(5).toString('hex');
  const dbName = `wf_test_nats_${tag}`;
  let dbA: Database;
  let dbB: Database;
  let a: TestApp;
  let b: TestApp;
  let baseA: string;
  let baseB: string;
  let operator: SignedIn;
  let apiKey: string;
  const clients: LiveClient[] = [];
  let n = 0;

  const live = async (base: string, after?: number) => {
    const c = await mustOpen(base, { cookie: operator.cookie, ...(after !== undefined ? { after } : {}) });
    clients.push(c);
    return c;
  };
  const postIncident = async (base: string, at = { lat: 38.9, lng: -77.03 }) => {
    const res = await fetch(`${base}/api/v1/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ source: 'cad', externalId: `N-${tag}-${++n}`, type: 'ROBBERY', priority: 4, occurredAt: new Date(Date.now() - 5 * 60_000).toISOString(), location: { ...at, accuracyM: 5 } }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; matchCount: number };
  };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(TEST_DATABASE_URL!);
    url.pathname = `/${dbName}`;
    dbA = await openDatabase({ url: url.toString(), poolSize: 5 });
    await migrateDatabase(dbA);
    dbB = await openDatabase({ url: url.toString(), poolSize: 5 });
    const clock = { now: () => new Date() };
    const config = { loginRateLimitPerMinute: 1000, quietHours: '0-0' };
    a = await makeTestApp(dbA, { clock, config, events: await NatsEventBus.connect(busOptions(tag)) });
    b = await makeTestApp(dbB, { clock, config, events: await NatsEventBus.connect(busOptions(tag)) });
    baseA = await listen(a);
    baseB = await listen(b);
    operator = await createAndSignIn(a, ['operator']); // the session lives in the shared database: B knows it too
    apiKey = (await a.ctx.staff.createApiKey({ agencyName: 'Metro PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await (a?.ctx.events as NatsEventBus | undefined)?.deleteStream().catch(() => undefined);
    for (const t of [a, b]) {
      await t?.close();
      await t?.ctx.close();
    }
    await dbA?.close();
    await dbB?.close();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists ${dbName} with (force)`);
    await admin.end();
  });

  it('delivers an incident posted on A to a client on B, with the same number as on A', async () => {
    const onA = await live(baseA);
    const onB = await live(baseB);
    const incident = await postIncident(baseA);
    const [fromA, fromB] = await Promise.all([onA.waitFor((f) => f.incidentId === incident.id), onB.waitFor((f) => f.incidentId === incident.id)]);
    expect(fromB).toEqual(fromA);
    expect(fromB).toMatchObject({ type: 'incident.created', data: { incident: { id: incident.id } } });
    expect(a.ctx.events.lastSeq()).toBe(fromA.seq);
    await vi.waitFor(() => expect(b.ctx.events.lastSeq()).toBe(fromA.seq), { timeout: 15_000, interval: 50 });
  });

  it('matches on B a camera verified on A, and stops matching it on B once withdrawn on A', async () => {
    const spot = { lat: 38.91, lng: -77.02 };
    const owner = await cameraRepo.insertOwner(dbA.db, { name: 'Corner Shop', email: `shop-${tag}@example.org`, kind: 'business', consentVersion: CONSENT_VERSION, consentAt: new Date() });
    const [camera] = await cameraRepo.insertCameras(dbA.db, [
      { ownerId: owner.id, lat: spot.lat, lng: spot.lng, kind: 'ptz', bearingDeg: 0, fovDeg: 360, rangeM: 40, retentionDays: 30, tier: 'registered', status: 'pending', source: 'registration', createdAt: new Date(), updatedAt: new Date() },
    ]);
    expect((await postIncident(baseB, spot)).matchCount).toBe(0);

    const onB = await live(baseB);
    await a.ctx.reviews.decide(camera!.id, { decision: 'verify' }, CLI_ACTOR);
    await onB.waitFor((f) => f.type === 'camera.changed' && f.data!.cameraId === camera!.id && f.data!.status === 'verified');
    await vi.waitFor(() => expect(b.ctx.cameras.index.has(camera!.id)).toBe(true), { timeout: 15_000, interval: 50 });
    expect((await postIncident(baseB, spot)).matchCount).toBe(1);

    await a.ctx.owners.withdraw(owner.id, [camera!.id], 'test');
    await onB.waitFor((f) => f.type === 'camera.changed' && f.data!.cameraId === camera!.id && f.data!.status === 'withdrawn');
    await vi.waitFor(() => expect(b.ctx.cameras.index.has(camera!.id)).toBe(false), { timeout: 15_000, interval: 50 });
    expect((await postIncident(baseB, spot)).matchCount).toBe(0);
  });

  it('gives a client that resumes on B exactly the events A published while it was away', async () => {
    const onA = await live(baseA);
    await postIncident(baseA);
    const seen = (await onA.waitFor((f) => f.kind === 'event')).seq!;
    await onA.close();
    const missed = [await postIncident(baseA), await postIncident(baseA), await postIncident(baseA)];
    const onB = await live(baseB, seen); // right away: B may still be reading them from NATS
    const events = await onB.waitForEvents(3);
    expect(events.map((e) => e.seq)).toEqual([seen + 1, seen + 2, seen + 3]);
    expect(events.map((e) => e.incidentId)).toEqual(missed.map((m) => m.id));
    await sleep(150);
    expect(onB.events()).toHaveLength(3);
    expect(onB.frames.some((f) => f.kind === 'reset')).toBe(false);
  });

  it('serves since() from memory, from the stream beyond it, and undefined once the stream has dropped them', async () => {
    const small = `${tag}s`;
    const writer = await NatsEventBus.connect(busOptions(small, { maxEvents: 5 }));
    const reader = await NatsEventBus.connect(busOptions(small, { maxEvents: 5, keep: 2 }));
    try {
      const published = [];
      for (let i = 1; i <= 8; i++) published.push(await writer.publish({ type: 'incident.note', agencyId: null, data: { i } }));
      expect(published.map((p) => p.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      await vi.waitFor(() => expect(reader.lastSeq()).toBe(8), { timeout: 15_000, interval: 50 });
      expect((await reader.since(6))!.map((e) => [e.seq, e.data.i])).toEqual([[7, 7], [8, 8]]); // memory
      expect((await reader.since(4))!.map((e) => e.seq)).toEqual([5, 6, 7, 8]); // read back from the stream
      expect(await reader.streamState()).toEqual({ first: 4, last: 8 });
      expect(await reader.since(2)).toBeUndefined(); // 3 is gone
      expect(await reader.since(8)).toEqual([]);
      expect(await reader.since(99)).toBeUndefined(); // never given by this stream
      // A bus connecting later starts from the stream's end, and its hello number is the stream's.
      const late = await NatsEventBus.connect(busOptions(small, { maxEvents: 5 }));
      expect(late.lastSeq()).toBe(8);
      expect((await late.since(5))!.map((e) => e.seq)).toEqual([6, 7, 8]);
      await late.close();
    } finally {
      await writer.deleteStream();
      await Promise.all([writer.close(), reader.close()]);
    }
  });
});

describe.skipIf(!TEST_NATS_URL || !fs.existsSync('/usr/sbin/nats-server'))('the floor through a NATS outage', () => {
  const port = 20_000 + Math.floor(Math.random() * 10_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-nats-'));
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn('/usr/sbin/nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    await vi.waitFor(() => new Promise<void>((resolve, reject) => net.connect(port, '127.0.0.1', function (this: net.Socket) { this.end(); resolve(); }).on('error', reject)), { timeout: 10_000, interval: 100 });
  };
  const stop = async () => {
    const s = server!;
    const exited = new Promise((r) => s.once('exit', r));
    s.kill('SIGTERM');
    await exited;
  };
  afterAll(async () => {
    if (server && server.exitCode === null) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds the events published while NATS is away and delivers them, in order, once it is back', async () => {
    await start();
    const opts = { url: `nats://127.0.0.1:${port}`, stream: 'WF_OUTAGE', subjectPrefix: 'wfoutage.floor' };
    const writer = await NatsEventBus.connect(opts);
    const reader = await NatsEventBus.connect(opts);
    const got: string[] = [];
    reader.subscribe((e) => got.push(e.data.cameraId as string));
    const log = { error: vi.fn(), warn: vi.fn() };
    const publisher = new FloorPublisher({} as never, writer, log, { firstRetryMs: 200, maxRetryMs: 1000 });
    const camera = (id: string) => ({ kind: 'camera' as const, cameraId: id, status: 'verified' as const });
    try {
      await publisher.publish([camera('before')]);
      await vi.waitFor(() => expect(got).toEqual(['before']), { timeout: 15_000, interval: 50 });
      await stop();
      await publisher.publish([camera('during-1')]); // refused after the publish timeout: kept
      await publisher.publish([camera('during-2')]); // behind it, at once
      expect(publisher.backlog).toBe(2);
      await start();
      await publisher.publish([camera('after')]);
      await vi.waitFor(() => expect(got).toEqual(['before', 'during-1', 'during-2', 'after']), { timeout: 15_000, interval: 100 });
      expect(publisher.failures).toBe(0);
      expect(reader.lastSeq()).toBe(4);
    } finally {
      publisher.stop();
      await writer.deleteStream().catch(() => undefined);
      await Promise.all([writer.close(), reader.close()]);
    }
  });
});

// Evidence in an S3-compatible bucket (WATCHFLOOR_S3_*), against a real S3-compatible server (OpenStack Swift's s3api,
// test/support/s3.ts): a tus upload in pieces goes through @tus/s3-store into the bucket, becomes evidence with its
// SHA-256, ffprobe facts and a playable copy; staff get the original byte for byte; nothing is overwritten; and
// `watchfloor evidence verify` finds an object changed behind the app's back.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { verifyAuditChain } from '../src/audit/audit.verify.js';
import { ObjectExistsError } from '../src/evidence/evidence-store.js';
import { byteRange } from '../src/evidence/evidence.routes.js';
import { S3EvidenceStore, s3ClientConfig } from '../src/evidence/s3-evidence-store.js';
import { makeTestApp, TEST_SECRET_KEY, type SignedIn, type TestApp } from './support/app.js';
import { runCli } from './support/process.js';
import { startS3Server, swiftAvailable, type S3TestServer } from './support/s3.js';
import { askShopForFootage, tusMetadata } from './support/footage.js';

const BUCKET = 'watchfloor-evidence';
const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');

/** A 12.8 MB AVI (MPEG-4 part 2 of noise, not browser-playable): several S3 parts, and a playable copy to make. */
function noiseClip(dir: string): Buffer {
  const file = path.join(dir, 'noise.avi');
  execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'nullsrc=s=480x360:d=6:r=10,geq=random(1)*255:128:128', '-c:v', 'mpeg4', '-q:v', '1', file]);
  return fs.readFileSync(file);
}

describe('byteRange', () => {
  it('reads one plain range and clamps it to the object', () => {
    expect(byteRange('bytes=0-99', 1000)).toEqual({ start: 0, end: 99 });
    expect(byteRange('bytes=900-', 1000)).toEqual({ start: 900, end: 999 });
    expect(byteRange('bytes=990-2000', 1000)).toEqual({ start: 990, end: 999 });
    expect(byteRange('bytes=-10', 1000)).toEqual({ start: 990, end: 999 });
    expect(byteRange('bytes=-5000', 1000)).toEqual({ start: 0, end: 999 });
    expect(byteRange('bytes=1000-', 1000)).toBe('unsatisfiable');
    expect(byteRange('bytes=-0', 1000)).toBe('unsatisfiable');
    // Anything else is answered with the whole object.
    for (const h of [undefined, 'bytes=5-1', 'bytes=0-1,5-9', 'items=0-1', 'bytes=-']) expect(byteRange(h, 1000)).toBeUndefined();
  });
});

describe.skipIf(!swiftAvailable)('evidence in an S3-compatible bucket', () => {
  let s3: S3TestServer;
  let bucket: S3Client;
  let dataDir: string;
  let database: Database;
  let sut: TestApp | undefined;
  let base: string;
  let operator: SignedIn;
  let ownerCookie: string;
  let requestId: string;
  let evidenceId: string;
  /** The original's key in the bucket, as stored (its date folder is the day it was stored). */
  let originalKey: string;
  let clip: Buffer;

  const listKeys = async (prefix = '') => ((await bucket.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();
  const objectBytes = async (key: string) => Buffer.from(await (await bucket.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());
  const s3Env = () => ({
    WATCHFLOOR_S3_BUCKET: BUCKET,
    WATCHFLOOR_S3_ENDPOINT: s3.endpoint,
    WATCHFLOOR_S3_ACCESS_KEY_ID: s3.accessKeyId,
    WATCHFLOOR_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    WATCHFLOOR_S3_FORCE_PATH_STYLE: 'true',
  });

  beforeAll(async () => {
    s3 = await startS3Server();
    const settings = { bucket: BUCKET, endpoint: s3.endpoint, region: s3.region, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true };
    bucket = new S3Client(s3ClientConfig(settings));
    await bucket.send(new CreateBucketCommand({ Bucket: BUCKET }));
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-evidence-s3-'));
    clip = noiseClip(dataDir);
    // PGlite on disk, so that the CLI can open the same database after the app has closed it.
    database = await openDatabase({ dir: path.join(dataDir, 'pglite') });
    await migrateDatabase(database);
    sut = await makeTestApp(database, {
      clock: { now: () => new Date() },
      config: {
        dataDir,
        loginRateLimitPerMinute: 1000,
        quietHours: '0-0',
        uploadMaxBytes: 32 * 1024 * 1024,
        s3Bucket: BUCKET,
        s3Endpoint: s3.endpoint,
        s3AccessKeyId: s3.accessKeyId,
        s3SecretAccessKey: s3.secretAccessKey,
        s3ForcePathStyle: true,
      },
    });
    ({ base, operator, requestId, ownerCookie } = await askShopForFootage(sut, database));
  }, 120_000);

  afterAll(async () => {
    await closeApp();
    bucket?.destroy();
    await s3?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function closeApp() {
    if (!sut) return;
    const t = sut;
    sut = undefined;
    await t.close();
    await t.ctx.close();
    await database.close();
  }

  const tusHeaders = () => ({ 'tus-resumable': '1.0.0', cookie: ownerCookie });

  it('takes a resumed tus upload into the bucket, hashes and probes it, makes a playable copy, and serves the original byte for byte', async () => {
    const sha = sha256(clip);
    const created = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { ...tusHeaders(), 'upload-length': String(clip.length), 'upload-metadata': tusMetadata({ requestId, filename: 'porch.avi', filetype: 'video/x-msvideo' }) } });
    expect(created.status, await created.clone().text()).toBe(201);
    const location = created.headers.get('location')!;
    expect(location).toMatch(/^\/api\/v1\/uploads\/[0-9a-f]{32}$/);
    const uploadKey = `uploads/${location.split('/').at(-1)}`;

    // A first piece by hand (3 MiB: less than an S3 part, kept as the upload's .part object), then a wrong offset.
    const first = 3 * 1024 * 1024;
    const patched = await fetch(`${base}${location}`, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: clip.subarray(0, first) });
    expect(patched.status, await patched.clone().text()).toBe(204);
    expect(patched.headers.get('upload-offset')).toBe(String(first));
    expect((await fetch(`${base}${location}`, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': '10', 'content-type': 'application/offset+octet-stream' }, body: clip.subarray(10, 20) })).status).toBe(409);
    const head = await fetch(`${base}${location}`, { method: 'HEAD', headers: tusHeaders() });
    expect(head.headers.get('upload-offset')).toBe(String(first));
    expect(await listKeys('uploads/')).toEqual([`${uploadKey}.info`, `${uploadKey}.part`]);

    // Someone else's cookie does not find it.
    expect((await fetch(`${base}${location}`, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0' } })).status).toBe(401);

    // tus-js-client resumes from the server's offset, in 4 MiB pieces.
    const lastResponse = await new Promise<tus.HttpResponse>((resolve, reject) => {
      const upload = new tus.Upload(clip, {
        uploadUrl: `${base}${location}`,
        chunkSize: 4 * 1024 * 1024,
        headers: { cookie: ownerCookie },
        retryDelays: [],
        onSuccess: (payload) => resolve(payload.lastResponse),
        onError: reject,
      });
      upload.start();
    });
    evidenceId = lastResponse.getHeader('X-Evidence-Id')!;
    expect(lastResponse.getHeader('X-Evidence-SHA256')).toBe(sha);
    await sut!.ctx.evidence.settle();

    const facts = (await sut!.app.inject({ method: 'GET', url: `/api/v1/evidence/${evidenceId}`, headers: { cookie: operator.cookie } })).json();
    expect(facts.evidence).toMatchObject({ sha256: sha, sizeBytes: clip.length, status: 'ready', playable: true, originalName: 'porch.avi' });
    expect(facts.evidence.probe).toMatchObject({ container: 'avi', videoCodec: 'mpeg4', width: 480, height: 360, hasVideo: true });
    expect(facts.evidence.probe.durationS).toBeCloseTo(6, 0);

    // In the bucket: the original (the same bytes) and the playable copy; nothing of the upload is left.
    // Filed under the day it was stored (read from the key: a run may cross midnight).
    originalKey = (await listKeys()).find((k) => k.endsWith(`/${evidenceId}/original.avi`))!;
    const folder = originalKey.slice(0, -'original.avi'.length);
    expect(folder).toMatch(new RegExp(`^evidence/\\d{4}-\\d{2}-\\d{2}/${evidenceId}/$`));
    expect(await listKeys()).toEqual([`${folder}original.avi`, `${folder}playable.mp4`]);
    expect(sha256(await objectBytes(originalKey))).toBe(sha);
    const playable = await objectBytes(`${folder}playable.mp4`);
    expect(playable.subarray(4, 8).toString()).toBe('ftyp');

    const original = await fetch(`${base}/api/v1/evidence/${evidenceId}/original?purpose=case%20file`, { headers: { cookie: operator.cookie } });
    expect(original.status).toBe(200);
    expect(original.headers.get('x-content-sha256')).toBe(sha);
    expect(original.headers.get('content-length')).toBe(String(clip.length));
    expect(sha256(Buffer.from(await original.arrayBuffer()))).toBe(sha);

    const play = await fetch(`${base}/api/v1/evidence/${evidenceId}/play`, { headers: { cookie: operator.cookie, range: 'bytes=100-199' } });
    expect(play.status).toBe(206);
    expect(play.headers.get('content-type')).toContain('video/mp4');
    expect(play.headers.get('content-range')).toBe(`bytes 100-199/${playable.length}`);
    expect(Buffer.from(await play.arrayBuffer()).equals(playable.subarray(100, 200))).toBe(true);
    const beyond = await fetch(`${base}/api/v1/evidence/${evidenceId}/play`, { headers: { cookie: operator.cookie, range: `bytes=${playable.length}-` } });
    expect(beyond.status).toBe(416);

    const custody = (await sut!.app.inject({ method: 'GET', url: `/api/v1/evidence/${evidenceId}`, headers: { cookie: operator.cookie } })).json().custody.map((c: { action: string }) => c.action);
    expect(custody).toEqual(['evidence.received', 'evidence.hashed', 'evidence.ready', 'evidence.downloaded', 'evidence.viewed', 'evidence.viewed']);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
    expect(await sut!.ctx.evidence.verifyAll()).toEqual({ checked: 1, mismatches: [] });
  }, 120_000);

  it('refuses a file that is not video and leaves nothing of it in the bucket', async () => {
    const junk = crypto.randomBytes(4000);
    const created = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { ...tusHeaders(), 'upload-length': String(junk.length), 'upload-metadata': tusMetadata({ requestId, filename: 'clip.mp4' }) } });
    expect(created.status).toBe(201);
    const res = await fetch(`${base}${created.headers.get('location')}`, { method: 'PATCH', headers: { ...tusHeaders(), 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: junk });
    expect(res.status).toBe(415);
    expect(await res.text()).toMatch(/no video/);
    expect(await listKeys('uploads/')).toEqual([]);

    // An unfinished upload the owner gives up (tus termination: @tus/s3-store aborts the multipart upload and deletes
    // its objects with DeleteObjects, which this service takes only with Content-MD5).
    const given = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { ...tusHeaders(), 'upload-length': '10000', 'upload-metadata': tusMetadata({ requestId, filename: 'later.mp4' }) } });
    const id = given.headers.get('location')!.split('/').at(-1)!;
    expect(await listKeys('uploads/')).toEqual([`uploads/${id}.info`]);
    const terminated = await fetch(`${base}${given.headers.get('location')}`, { method: 'DELETE', headers: tusHeaders() });
    expect(terminated.status, await terminated.clone().text()).toBe(204);
    expect(await listKeys('uploads/')).toEqual([]);
  }, 60_000);

  it('never writes over a stored object', async () => {
    const ev = (await sut!.app.inject({ method: 'GET', url: `/api/v1/evidence/${evidenceId}`, headers: { cookie: operator.cookie } })).json().evidence;
    const key = originalKey.slice('evidence/'.length);
    const other = path.join(dataDir, 'other.bin');
    fs.writeFileSync(other, 'not the footage');
    await expect(sut!.ctx.evidence.store.put(key, other, 'application/octet-stream')).rejects.toBeInstanceOf(ObjectExistsError);
    expect(sha256(await objectBytes(`evidence/${key}`))).toBe(ev.sha256);
  });

  it('stores large files part by part: a local file uploaded in parts with Content-MD5, a finished upload copied in parts', async () => {
    // Parts of 5 MiB (S3's smallest), so that the 12.8 MB clip takes three either way.
    const store = new S3EvidenceStore(bucket, BUCKET, { tmpDir: path.join(dataDir, 'tmp'), partBytes: 1, copyLimitBytes: 1, copyPartBytes: 1 });
    const sha = sha256(clip);
    const local = path.join(dataDir, 'handed-in.avi');
    fs.writeFileSync(local, clip);
    const fromFile = await (await store.stage({ path: local })).adopt('parts/1/original.avi');
    expect(fromFile).toMatchObject({ sha256: sha, sizeBytes: clip.length });
    await fromFile.copy.release();
    expect(fs.existsSync(local)).toBe(false);
    expect(sha256(await objectBytes('evidence/parts/1/original.avi'))).toBe(sha);

    await bucket.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/0123456789abcdef0123456789abcdef', Body: clip }));
    await bucket.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/0123456789abcdef0123456789abcdef.info', Body: '{}' }));
    const staged = await store.stage({ uploadKey: 'uploads/0123456789abcdef0123456789abcdef' });
    expect(sha256(fs.readFileSync(staged.path))).toBe(sha);
    const fromUpload = await staged.adopt('parts/2/original.avi');
    expect(fromUpload).toMatchObject({ sha256: sha, sizeBytes: clip.length });
    await fromUpload.copy.release();
    expect(fs.existsSync(staged.path)).toBe(false);
    expect(sha256(await objectBytes('evidence/parts/2/original.avi'))).toBe(sha);
    // Three parts each (a multipart object's ETag says how many).
    for (const n of [1, 2]) expect((await bucket.send(new HeadObjectCommand({ Bucket: BUCKET, Key: `evidence/parts/${n}/original.avi` }))).ETag).toMatch(/-3"$/);
    expect(await listKeys('uploads/')).toEqual([]);
    expect(await store.sha256('parts/2/original.avi')).toBe(sha);
    expect(await store.sha256('parts/3/original.avi')).toBeUndefined();
  }, 60_000);

  it('does not start with a bucket it cannot use, and says why without the secret', async () => {
    const start = (config: Record<string, unknown>) =>
      makeTestApp(database, { config: { dataDir, s3Bucket: BUCKET, s3Endpoint: s3.endpoint, s3AccessKeyId: s3.accessKeyId, s3SecretAccessKey: s3.secretAccessKey, s3ForcePathStyle: true, ...config } });
    await expect(start({ s3Bucket: 'no-such-bucket' })).rejects.toThrow(`WATCHFLOOR_S3_BUCKET: the bucket "no-such-bucket" cannot be used at ${s3.endpoint} (404`);
    const wrongKey = await start({ s3SecretAccessKey: 'not-the-secret' }).catch((err: Error) => err);
    expect((wrongKey as Error).message).toMatch(/cannot be used at .* \(403/);
    expect((wrongKey as Error).message).not.toContain('not-the-secret');
  });

  it('`watchfloor evidence verify` re-hashes the objects in the bucket and names one changed behind the app', async () => {
    const key = originalKey;
    const expected = sha256(clip);
    await closeApp(); // the CLI opens the same PGlite folder
    const env = { WATCHFLOOR_DATA_DIR: dataDir, WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY, ...s3Env() };
    const intact = await runCli(['evidence', 'verify'], env);
    expect(intact.stdout, intact.stderr).toContain('1 evidence file(s) checked, 0 mismatch(es)');
    expect(intact.code).toBe(0);

    const tampered = Buffer.from(clip);
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 0xff;
    await bucket.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: tampered }));
    const found = await runCli(['evidence', 'verify'], env);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('1 evidence file(s) checked, 1 mismatch(es)');
    expect(found.stderr).toContain(`evidence ${evidenceId}: recorded ${expected}, now ${sha256(tampered)}`);
    // The secret never appears in what the command prints.
    expect(found.stdout + found.stderr).not.toContain(s3.secretAccessKey);
  }, 120_000);
});

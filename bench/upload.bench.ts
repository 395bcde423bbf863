// Footage upload throughput: a file of --mib MiB (default 1024) sent through tus on loopback (64 MiB PATCHes, as
// Uppy and tus-js-client do with chunkSize), including the SHA-256 on arrival, against a plain stream copy of the
// same file on the same disk, in the same run. The file is a real H.264 clip padded with random bytes, so the
// evidence pipeline accepts it as video. Flags: --mib N
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { issueOwnerLink } from '../src/cameras/owner-links.js';

const i = process.argv.indexOf('--mib');
const MIB = i > 0 ? Number(process.argv[i + 1]) : 1024;
const CHUNK = 64 * 1024 * 1024;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-upload-bench-'));

const source = path.join(dir, 'source.mp4');
execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=5:size=320x240:rate=10', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', source]);
{
  const fd = fs.openSync(source, 'a');
  const block = crypto.randomBytes(8 * 1024 * 1024);
  while (fs.fstatSync(fd).size < MIB * 1024 * 1024) fs.writeSync(fd, block);
  fs.closeSync(fd);
}
const size = fs.statSync(source).size;

let t = performance.now();
await pipeline(fs.createReadStream(source, { highWaterMark: 1 << 20 }), fs.createWriteStream(path.join(dir, 'copy.bin')));
const copyS = (performance.now() - t) / 1000;
fs.rmSync(path.join(dir, 'copy.bin'));

const database = await openDatabase({});
await migrateDatabase(database);
const ctx = await createContext(loadConfig({ LOG_LEVEL: 'silent', WATCHFLOOR_SECRET_KEY: crypto.randomBytes(32).toString('base64'), WATCHFLOOR_DATA_DIR: path.join(dir, 'data'), WATCHFLOOR_QUIET_HOURS: '0-0', WATCHFLOOR_UPLOAD_MAX_BYTES: String(size + 1) }), { database });
await ctx.importer.import('external_ref,lat,lng,kind,fov_deg,range_m,retention_days,owner_email,owner_name,owner_kind\nb-1,38.9,-77.03,ptz,360,40,30,b@example.org,B,business\n', { format: 'csv' }, CLI_ACTOR);
const inc = await ctx.incidents.ingest({ source: 'bench', externalId: '1', type: 'ROBBERY', priority: 2, occurredFrom: new Date(Date.now() - 60_000).toISOString(), occurredTo: null, location: { lat: 38.90001, lng: -77.03, accuracyM: 5 }, address: null }, CLI_ACTOR);
const [outcome] = await ctx.requests.request({ incidentId: inc.incident.id, purposeCode: 'criminal-investigation', reason: 'Benchmark of the upload path.' }, CLI_ACTOR);
await ctx.requests.housekeeping();
const app = await buildApp(ctx, { logger: false, serveWeb: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const link = await database.db.transaction((tx) => issueOwnerLink(tx, ctx.box, outcome!.ownerId, base, 60, new Date()));
const opened = await fetch(`${base}/api/v1/owner/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link.token }) });
const cookie = opened.headers.get('set-cookie')!.split(';')[0]!;
const meta = `requestId ${Buffer.from(outcome!.requestId!).toString('base64')},filename ${Buffer.from('big.mp4').toString('base64')}`;

t = performance.now();
const created = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': String(size), 'upload-metadata': meta, cookie } });
const location = created.headers.get('location')!;
let sha = '';
for (let offset = 0; offset < size; offset += CHUNK) {
  const end = Math.min(size, offset + CHUNK);
  const body = fs.createReadStream(source, { start: offset, end: end - 1, highWaterMark: 1 << 20 });
  const res = await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(end - offset), cookie }, body: body as unknown as ReadableStream, duplex: 'half' } as RequestInit);
  if (res.status !== 204) throw new Error(`PATCH at ${offset}: ${res.status} ${await res.text()}`);
  sha = res.headers.get('x-evidence-sha256') ?? sha;
}
const tusS = (performance.now() - t) / 1000;
const expected = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex');
await ctx.evidence.settle();
await app.close();
await ctx.close();
await database.close();
fs.rmSync(dir, { recursive: true, force: true });

const mb = size / 1e6;
console.log(`\nUpload of ${(size / 2 ** 20).toFixed(0)} MiB on loopback, same disk, one run`);
console.table([
  { path: 'plain stream copy', seconds: copyS.toFixed(2), 'MB/s': (mb / copyS).toFixed(0) },
  { path: 'tus upload (64 MiB PATCHes) + SHA-256 on arrival', seconds: tusS.toFixed(2), 'MB/s': (mb / tusS).toFixed(0) },
]);
console.log(`tus / copy: ${((copyS / tusS) * 100).toFixed(0)} % (target ≥ 60 %); hash matches the source: ${sha === expected}`);

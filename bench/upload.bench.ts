// Footage upload throughput: a file of --mib MiB (default 1024) sent through tus on loopback (64 MiB PATCHes, as
// Uppy and tus-js-client do with chunkSize), including the SHA-256 on arrival, against a plain stream copy of the
// same file on the same disk, in the same run. The file is a real H.264 clip padded with random bytes, so the
// evidence pipeline accepts it as video. The client runs in a process of its own, as a browser would (with
// --same-process it shares the server's thread). Flags: --mib N --rounds N (default 3) --same-process
import crypto from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { migrateDatabase, openDatabase } from '../src/db/client.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { issueOwnerLink } from '../src/cameras/owner-links.js';

// Client mode: PATCH the file to the upload's location, print the last response's SHA-256 header.
if (process.argv[2] === '--client') {
  const [, , , file, cookie, chunk] = process.argv;
  const total = fs.statSync(file!).size;
  // Started ahead of the timing: says it is ready, then waits for the upload's URL.
  console.log('ready');
  const [line] = (await once(process.stdin.setEncoding('utf8'), 'data')) as [string];
  const url = line.trim();
  let sha = '';
  // node:http, as tus-js-client uses in Node: the file's chunks go to the socket as they are read.
  for (let offset = 0; offset < total; offset += Number(chunk)) {
    const end = Math.min(total, offset + Number(chunk));
    const req = http.request(url, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(end - offset), cookie: cookie! } });
    const answered = once(req, 'response') as Promise<[http.IncomingMessage]>;
    await pipeline(fs.createReadStream(file!, { start: offset, end: end - 1, highWaterMark: 1 << 20 }), req);
    const [res] = await answered;
    res.resume();
    if (res.statusCode !== 204) throw new Error(`PATCH at ${offset}: ${res.statusCode}`);
    sha = (res.headers['x-evidence-sha256'] as string | undefined) ?? sha;
  }
  console.log(sha);
  process.exit(0);
}

const SAME_PROCESS = process.argv.includes('--same-process');
const ROUNDS = process.argv.includes('--rounds') ? Number(process.argv[process.argv.indexOf('--rounds') + 1]) : 3;
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

const copyRound = async () => {
  const t0 = performance.now();
  await pipeline(fs.createReadStream(source, { highWaterMark: 1 << 20 }), fs.createWriteStream(path.join(dir, 'copy.bin')));
  const seconds = (performance.now() - t0) / 1000;
  fs.rmSync(path.join(dir, 'copy.bin'));
  return seconds;
};

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

/** One upload of the whole file: POST, then 64 MiB PATCHes; returns its seconds and the SHA-256 the server reported. */
async function tusRound(): Promise<{ seconds: number; sha: string }> {
  let client: ReturnType<typeof spawn> | undefined;
  let clientOut = '';
  if (!SAME_PROCESS) {
    client = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--client', source, cookie, String(CHUNK)], { stdio: ['pipe', 'pipe', 'inherit'] });
    client.stdout!.on('data', (d: Buffer) => (clientOut += d.toString()));
    while (!clientOut.includes('ready')) await once(client.stdout!, 'data');
  }
  const t0 = performance.now();
  const created = await fetch(`${base}/api/v1/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': String(size), 'upload-metadata': meta, cookie } });
  const location = created.headers.get('location')!;
  let sha = '';
  if (SAME_PROCESS) {
    for (let offset = 0; offset < size; offset += CHUNK) {
      const end = Math.min(size, offset + CHUNK);
      const body = fs.createReadStream(source, { start: offset, end: end - 1, highWaterMark: 1 << 20 });
      const res = await fetch(`${base}${location}`, { method: 'PATCH', headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(end - offset), cookie }, body: body as unknown as ReadableStream, duplex: 'half' } as RequestInit);
      if (res.status !== 204) throw new Error(`PATCH at ${offset}: ${res.status} ${await res.text()}`);
      sha = res.headers.get('x-evidence-sha256') ?? sha;
    }
  } else {
    client!.stdin!.write(`${base}${location}\n`);
    const [code] = (await once(client!, 'exit')) as [number];
    if (code !== 0) throw new Error(`the upload client failed (${code})`);
    sha = clientOut.trim().split('\n').pop()!;
  }
  return { seconds: (performance.now() - t0) / 1000, sha };
}

// Copy and upload in turn, ROUNDS times: this is a shared machine, and one run of either can be slowed by others.
const copies: number[] = [];
const uploads: { seconds: number; sha: string }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  copies.push(await copyRound());
  uploads.push(await tusRound());
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const copyS = median(copies);
const tusS = median(uploads.map((u) => u.seconds));
const expected = crypto.createHash('sha256').update(fs.readFileSync(source)).digest('hex');
await ctx.evidence.settle();
await app.close();
await ctx.close();
await database.close();
fs.rmSync(dir, { recursive: true, force: true });

const mb = size / 1e6;
console.log(`\nUpload of ${(size / 2 ** 20).toFixed(0)} MiB on loopback, same disk, ${ROUNDS} rounds of copy then upload, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.table([
  { path: 'plain stream copy', 'median s': copyS.toFixed(2), 'MB/s': (mb / copyS).toFixed(0), rounds: copies.map((x) => (mb / x).toFixed(0)).join(', ') },
  {
    path: `tus upload (64 MiB PATCHes) + SHA-256 on arrival${SAME_PROCESS ? ', client in the same process' : ''}`,
    'median s': tusS.toFixed(2),
    'MB/s': (mb / tusS).toFixed(0),
    rounds: uploads.map((u) => (mb / u.seconds).toFixed(0)).join(', '),
  },
]);
console.log(`tus / copy: ${((copyS / tusS) * 100).toFixed(0)} % (target ≥ 60 %); hashes match the source: ${uploads.every((u) => u.sha === expected)}`);

// Live-floor fan-out: the server runs in a child process of its own, 500 WebSocket clients in another, and this
// process POSTs incidents at a steady rate (default 50/s for 30 s). For every incident and every client: the time
// from the POST returning (and from the POST being sent) to the client receiving incident.created. Also: events
// delivered / expected, the server's CPU (% of one core) and memory (RSS) while it runs.
// PGlite always; with --pg PostgreSQL too; with --nats the events go through NATS JetStream.
// Flags: --seconds N --rate N --clients N --pg --nats --profile (the server writes a V8 CPU profile to .tmp/fanout-prof)
import crypto from 'node:crypto';
import http from 'node:http';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const flag = (name: string) => process.argv.includes(`--${name}`);
const SECONDS = arg('seconds', 30);
const RATE = arg('rate', 50);
const CLIENTS = arg('clients', 500);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const role = process.argv[process.argv.indexOf('--role') + 1];
/** Wall-clock milliseconds with sub-millisecond resolution, comparable between the processes of one machine. */
const now = () => performance.timeOrigin + performance.now();

type Msg = Record<string, unknown> & { kind: string };
type Summary = ReturnType<typeof summary>;
interface ClientResult {
  delivered: number;
  expected: number;
  fromReturn: Summary;
  fromSend: Summary;
  early: number;
  otherFrames: number;
  closes: Record<string, number>;
  open: number;
  cpuPercent: number;
}
interface Usage {
  cpuPercent: number;
  rssMaxMb: number;
  rssEndMb: number;
  lastSeq: number;
}
function nextMessage(child: ChildProcess | NodeJS.Process, kind: string): Promise<Msg> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Msg) => {
      if (m.kind === 'error') reject(new Error(String(m.message)));
      else if (m.kind === kind) {
        child.off('message', onMessage);
        resolve(m);
      }
    };
    child.on('message', onMessage);
  });
}
const send = (m: Msg) => process.send!(m);
// A child whose driver has gone (stopped, crashed) goes too.
if (role === 'server' || role === 'clients') process.on('disconnect', () => process.exit(1));

// ---------------------------------------------------------------- the server (child process)
async function server() {
  const { buildApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/config.js');
  const { createContext } = await import('../src/context.js');
  const { migrateDatabase, openDatabase } = await import('../src/db/client.js');
  const { openFreshPostgres } = await import('../test/support/databases.js');
  const { totpCode } = await import('../src/auth/totp.js');
  const { CLI_ACTOR } = await import('../src/staff/staff.service.js');
  const { NatsEventBus } = await import('../src/events/nats-event-bus.js');
  const usePg = flag('pg-server');
  const database = usePg ? await openFreshPostgres(PG_URL, 10) : await openDatabase({});
  if (!usePg) await migrateDatabase(database);
  const tag = crypto.randomBytes(4).toString('hex');
  const events = flag('nats-server') ? await NatsEventBus.connect({ url: NATS_URL, stream: `WF_BENCH_${tag}`, subjectPrefix: `wfbench_${tag}.floor` }) : undefined;
  const config = loadConfig({ LOG_LEVEL: 'silent', WATCHFLOOR_SECRET_KEY: crypto.randomBytes(32).toString('base64'), WATCHFLOOR_DATA_DIR: '.tmp/bench-fanout' });
  const ctx = await createContext(config, { database, ...(events ? { events } : {}) });
  const app = await buildApp(ctx, { logger: false, serveWeb: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const password = 'long enough secret 123';
  await ctx.staff.createUser({ agencyName: 'Bench PD', username: 'floor', password, roles: ['operator'] }, CLI_ACTOR);
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'floor', password } });
  const pending = login.cookies.find((c) => c.name === 'wf_session')!.value;
  const totp = await app.inject({ method: 'POST', url: '/api/v1/auth/totp', headers: { cookie: `wf_session=${pending}` }, payload: { code: totpCode(login.json().enrollment.secret, new Date()) } });
  const cookie = `wf_session=${totp.cookies.find((c) => c.name === 'wf_session')!.value}`;
  const key = (await ctx.staff.createApiKey({ agencyName: 'Bench PD', name: 'CAD', role: 'operator' }, CLI_ACTOR)).key;

  let cpu0 = process.cpuUsage();
  let t0 = now();
  let rssMax = 0;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 250);
  process.on('message', async (m: Msg) => {
    if (m.kind === 'usage-start') {
      cpu0 = process.cpuUsage();
      t0 = now();
      rssMax = process.memoryUsage().rss;
    } else if (m.kind === 'usage-end') {
      const cpu = process.cpuUsage(cpu0);
      send({ kind: 'usage', cpuPercent: ((cpu.user + cpu.system) / 1000 / (now() - t0)) * 100, rssMaxMb: rssMax / 2 ** 20, rssEndMb: process.memoryUsage().rss / 2 ** 20, lastSeq: ctx.events.lastSeq() });
    } else if (m.kind === 'stop') {
      clearInterval(sampler);
      if (events) await events.deleteStream().catch(() => undefined);
      await app.close();
      await ctx.close();
      await database.close();
      send({ kind: 'stopped' });
      process.exit(0);
    }
  });
  send({ kind: 'ready', port, cookie, key, database: database.kind });
}

// ---------------------------------------------------------------- the WebSocket clients (child process)
async function clients() {
  const { default: WebSocket } = await import('ws');
  const port = arg('port', 0);
  const cookie = process.env.BENCH_COOKIE!;
  const n = arg('clients', 500);
  const origin = `http://127.0.0.1:${port}`;
  /** Receive times per incident id, one slot per client (NaN: not received). */
  const received = new Map<string, Float64Array>();
  let otherFrames = 0;
  const closes: Record<string, number> = {};
  const sockets: InstanceType<typeof WebSocket>[] = [];
  const open = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: { cookie }, origin });
      sockets.push(ws);
      let hello = false;
      ws.on('message', (data) => {
        const t = now();
        const f = JSON.parse(data.toString()) as { kind: string; type?: string; incidentId?: string };
        if (f.kind === 'hello') {
          hello = true;
          resolve();
        } else if (f.kind === 'event' && f.type === 'incident.created' && f.incidentId) {
          let times = received.get(f.incidentId);
          if (!times) received.set(f.incidentId, (times = new Float64Array(n).fill(NaN)));
          times[i] = t;
        } else otherFrames++;
      });
      ws.on('close', (code) => {
        closes[code] = (closes[code] ?? 0) + 1;
        if (!hello) reject(new Error(`client ${i} closed with ${code} before hello`));
      });
      ws.on('error', (err) => {
        if (!hello) reject(err);
      });
    });
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => open(i + j)));
  const cpu0 = process.cpuUsage();
  const t0 = now();
  send({ kind: 'ready' });
  const report = await nextMessage(process, 'report');
  const cpu = process.cpuUsage(cpu0);
  const cpuPercent = ((cpu.user + cpu.system) / 1000 / (now() - t0)) * 100;
  const posts = report.posts as { id: string; sent: number; returned: number }[];
  const fromReturn: number[] = [];
  const fromSend: number[] = [];
  let delivered = 0;
  for (const p of posts) {
    const times = received.get(p.id);
    if (!times) continue;
    for (const t of times) {
      if (Number.isNaN(t)) continue;
      delivered++;
      fromReturn.push(t - p.returned);
      fromSend.push(t - p.sent);
    }
  }
  const early = fromReturn.filter((x) => x < 0).length;
  send({ kind: 'result', delivered, expected: posts.length * n, fromReturn: summary(fromReturn), fromSend: summary(fromSend), early, otherFrames, closes, open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length, cpuPercent });
  for (const s of sockets) s.terminate();
  process.exit(0);
}

function summary(xs: number[]) {
  const s = Float64Array.from(xs).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
  return { p50: at(50), p90: at(90), p99: at(99), max: s[s.length - 1] ?? NaN };
}

// ---------------------------------------------------------------- the driver (this process)
function child(args: string[], env: Record<string, string> = {}): ChildProcess {
  const profile = args.includes('server') && flag('profile') ? ['--cpu-prof', '--cpu-prof-dir=.tmp/fanout-prof'] : [];
  return fork(fileURLToPath(import.meta.url), args, { execArgv: ['--import', 'tsx', ...profile], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

async function run(label: string, serverFlags: string[]) {
  const srv = child(['--role', 'server', ...serverFlags]);
  const ready = await nextMessage(srv, 'ready');
  const port = ready.port as number;
  const cl = child(['--role', 'clients', '--port', String(port), '--clients', String(CLIENTS)], { BENCH_COOKIE: String(ready.cookie) });
  await nextMessage(cl, 'ready');
  const url = `http://127.0.0.1:${port}/api/v1/incidents`;
  const posts: { id: string; sent: number; returned: number }[] = [];
  const postMs: number[] = [];
  let errors = 0;
  // Like a CAD feed: a keep-alive pool of connections; requests beyond it wait their turn (counted in the latency).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const post = (i: number, source: string) =>
    postJson(url, agent, String(ready.key), {
        source,
        externalId: `F-${i}-${crypto.randomUUID()}`,
        type: ['ROBBERY', 'THEFT/OTHER', 'BURGLARY', 'ASSAULT W/DANGEROUS WEAPON'][i % 4],
        priority: 1 + (i % 5),
        occurredAt: new Date(Date.now() - 10 * 60_000).toISOString(),
        location: { lat: 38.89 + (i % 50) * 0.001, lng: -77.03 + (i % 37) * 0.001, accuracyM: 25 },
    });
  // Warm-up (not measured): the first requests compile routes and fill caches.
  for (let i = 0; i < RATE * 2; i++) {
    await post(i, 'bench-warmup');
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  await new Promise((r) => setTimeout(r, 500));
  srv.send({ kind: 'usage-start' });
  const total = RATE * SECONDS;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const sent = now();
    inflight.push(
      post(i, 'bench').then(
        ({ status, json }) => {
          const returned = now();
          if (status !== 201 || !json.id) errors++;
          else posts.push({ id: json.id, sent, returned });
          postMs.push(returned - sent);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inflight);
  agent.destroy();
  const achieved = total / ((performance.now() - start) / 1000);
  await new Promise((r) => setTimeout(r, 2000)); // let the last events arrive
  srv.send({ kind: 'usage-end' });
  const usage = (await nextMessage(srv, 'usage')) as unknown as Usage;
  cl.send({ kind: 'report', posts });
  const result = (await nextMessage(cl, 'result')) as unknown as ClientResult;
  srv.send({ kind: 'stop' });
  await nextMessage(srv, 'stopped');
  return { label, achieved, errors, postMs: summary(postMs), usage, result };
}

function postJson(url: string, agent: http.Agent, key: string, body: unknown): Promise<{ status: number; json: { id?: string } }> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), authorization: `Bearer ${key}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) as { id?: string } });
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function reachable(url: string): Promise<boolean> {
  const { default: net } = await import('node:net');
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname, () => (s.end(), resolve(true)));
    s.on('error', () => resolve(false));
  });
}

async function main() {
  const runs: [string, string[]][] = [['PGlite', []]];
  if (flag('pg')) {
    if (await reachable(PG_URL)) runs.push(['PostgreSQL', ['--pg-server']]);
    else console.log(`PostgreSQL at ${PG_URL} is not reachable; skipping it`);
  }
  if (flag('nats')) {
    if (await reachable(NATS_URL)) {
      runs.push(['PGlite + NATS', ['--nats-server']]);
      if (flag('pg') && (await reachable(PG_URL))) runs.push(['PostgreSQL + NATS', ['--pg-server', '--nats-server']]);
    } else console.log(`NATS at ${NATS_URL} is not reachable; skipping it`);
  }
  const results = [];
  for (const [label, flags] of runs) results.push(await run(label, flags));
  const ms = (x: number) => x.toFixed(1);
  console.log(`\nLive fan-out: ${CLIENTS} WebSocket clients (another process), incidents POSTed at ${RATE}/s for ${SECONDS} s, server in its own process`);
  console.table(
    results.map((r) => {
      const res = r.result;
      const u = r.usage;
      return {
        server: r.label,
        'POSTs/s': Math.round(r.achieved),
        'POST p50/p99 ms': `${ms(r.postMs.p50)} / ${ms(r.postMs.p99)}`,
        'return→event p50 ms': ms(res.fromReturn.p50),
        'return→event p99 ms': ms(res.fromReturn.p99),
        'send→event p99 ms': ms(res.fromSend.p99),
        'delivered/expected': `${res.delivered}/${res.expected}`,
        'server CPU %': Math.round(u.cpuPercent),
        'server RSS MB (max)': Math.round(u.rssMaxMb),
        'clients CPU %': Math.round(res.cpuPercent),
        errors: r.errors,
        'clients still open': `${res.open}/${CLIENTS}`,
      };
    }),
  );
  for (const r of results) {
    const res = r.result;
    console.log(`${r.label}: ${res.early} of ${res.delivered} events reached a client before the feed had read its POST's response (the server writes the response, then the events); return→event max ${ms(res.fromReturn.max)} ms; closes ${JSON.stringify(res.closes)}`);
  }
  console.log('Target: p99 from the POST returning to each client receiving its event ≤ 100 ms.');
}

if (role === 'server') await server().catch((err) => send({ kind: 'error', message: String(err?.stack ?? err) }));
else if (role === 'clients') await clients().catch((err) => send({ kind: 'error', message: String(err?.stack ?? err) }));
else await main();

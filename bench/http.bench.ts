// Requests per second of an authenticated GET (/api/v1/auth/session: cookie → session row → user → agency),
// on PGlite and on PostgreSQL, side by side in one run. Flags: --seconds N (default 10), --connections N (default 10).
import crypto from 'node:crypto';
import autocannon from 'autocannon';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/context.js';
import { migrateDatabase, openDatabase, type Database } from '../src/db/client.js';
import { openFreshPostgres } from '../test/support/databases.js';
import { totpCode } from '../src/auth/totp.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 10);
const connections = arg('connections', 10);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh PostgreSQL database for this run, or undefined (with a message) when the server is not reachable. */
async function freshPostgres(): Promise<Database | undefined> {
  try {
    return await openFreshPostgres(PG_URL, 10);
  } catch (err) {
    console.log(`PostgreSQL at ${PG_URL} is not reachable (${(err as Error).message}); skipping it`);
    return undefined;
  }
}

async function measure(label: string, database: Database) {
  const config = loadConfig({ LOG_LEVEL: 'silent', WATCHFLOOR_SECRET_KEY: crypto.randomBytes(32).toString('base64'), WATCHFLOOR_DATA_DIR: '.tmp/bench' });
  const ctx = await createContext(config, { database });
  const app = await buildApp(ctx, { logger: false, serveWeb: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  await ctx.staff.createUser({ agencyName: 'Bench PD', username: 'bench', password: 'long enough secret 123', roles: ['operator'] }, CLI_ACTOR);
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'bench', password: 'long enough secret 123' } });
  const pending = login.cookies.find((c) => c.name === 'wf_session')!.value;
  const totp = await app.inject({ method: 'POST', url: '/api/v1/auth/totp', headers: { cookie: `wf_session=${pending}` }, payload: { code: totpCode(login.json().enrollment.secret, new Date()) } });
  const cookie = `wf_session=${totp.cookies.find((c) => c.name === 'wf_session')!.value}`;

  const result = await autocannon({ url: `http://127.0.0.1:${port}/api/v1/auth/session`, headers: { cookie }, connections, duration: seconds });
  await app.close();
  await database.close();
  const non2xx = result.non2xx;
  return {
    database: label,
    'req/s (mean)': Math.round(result.requests.average),
    'latency p50 ms': result.latency.p50,
    'latency p99 ms': result.latency.p99,
    requests: result.requests.total,
    'non-2xx': non2xx,
  };
}

const rows = [await measure('PGlite (in memory)', await (async () => { const d = await openDatabase({}); await migrateDatabase(d); return d; })())];
const postgres = await freshPostgres();
if (postgres) rows.push(await measure('PostgreSQL 15', postgres));
console.log(`\nAuthenticated GET /api/v1/auth/session — ${connections} connections, ${seconds} s each, one process, loopback`);
console.table(rows);

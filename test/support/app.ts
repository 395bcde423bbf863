// Builds a Watchfloor app on a test database and signs staff in through the real routes.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { createContext, type AppContext } from '../../src/context.js';
import type { Database } from '../../src/db/client.js';
import type { Role } from '../../src/db/schema.js';
import { ManualClock, type Clock } from '../../src/platform/clock.js';
import type { Mailer } from '../../src/platform/mailer.js';
import { CLI_ACTOR } from '../../src/staff/staff.service.js';
import { totpCode } from '../../src/auth/totp.js';
import * as staffRepo from '../../src/staff/staff.repository.js';
import type { EventBus } from '../../src/events/event-bus.js';

export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  clock: Clock;
  close(): Promise<void>;
}

export async function makeTestApp(database: Database, opts: { clock?: Clock; config?: Partial<Config>; mailer?: Mailer; events?: EventBus } = {}): Promise<TestApp> {
  const clock = opts.clock ?? new ManualClock();
  const config = loadConfig({ WATCHFLOOR_SECRET_KEY: TEST_SECRET_KEY, WATCHFLOOR_DATA_DIR: '.tmp/test-data', LOG_LEVEL: 'silent' }, opts.config);
  const ctx = await createContext(config, { database, clock, mailer: opts.mailer ?? { send: async (m) => ({ providerMessageId: m.messageId }), close() {} }, ...(opts.events ? { events: opts.events } : {}) });
  const app = await buildApp(ctx, { logger: false, serveWeb: false });
  await app.ready();
  return { app, ctx, clock, close: () => app.close() };
}

/** Starts the app on a free loopback port and returns its base URL (http://127.0.0.1:port). */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
}

export interface SignedIn {
  cookie: string;
  csrfToken: string;
  userId: string;
  totpSecret: string;
  /** Headers for a write request with this session. */
  headers: Record<string, string>;
}

export function sessionCookie(res: LightMyRequestResponse): string {
  const c = res.cookies.find((x) => x.name === 'wf_session');
  if (!c) throw new Error(`no session cookie in response ${res.statusCode}: ${res.body}`);
  return `wf_session=${c.value}`;
}

let counter = 0;
/** Creates a staff account and signs it in (password, TOTP enrolment) through the HTTP routes. */
export async function createAndSignIn(t: TestApp, roles: Role[], opts: { agency?: string; username?: string } = {}): Promise<SignedIn> {
  const username = opts.username ?? `${roles[0]}${++counter}`;
  const { user } = await t.ctx.staff.createUser({ agencyName: opts.agency ?? 'Test PD', username, password: TEST_PASSWORD, roles }, CLI_ACTOR);
  const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.body}`);
  const secret = login.json().enrollment.secret as string;
  const totp = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/totp',
    headers: { cookie: sessionCookie(login) },
    payload: { code: totpCode(secret, t.clock.now()) },
  });
  if (totp.statusCode !== 200) throw new Error(`totp failed: ${totp.body}`);
  const cookie = sessionCookie(totp);
  const csrfToken = totp.json().csrfToken as string;
  const fresh = await staffRepo.findUser(t.ctx.database.db, user.id);
  return { cookie, csrfToken, userId: fresh!.id, totpSecret: secret, headers: { cookie, 'x-csrf-token': csrfToken } };
}

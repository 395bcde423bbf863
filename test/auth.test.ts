import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../src/platform/clock.js';
import { totpCode } from '../src/auth/totp.js';
import { CLI_ACTOR } from '../src/staff/staff.service.js';
import { listAudit } from '../src/audit/audit.repository.js';
import { verifyAuditChain } from '../src/audit/audit.verify.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, sessionCookie, TEST_PASSWORD, type TestApp } from './support/app.js';
import type { Database } from '../src/db/client.js';

describe.each(testDatabases)('staff sign-in on $name', (kind) => {
  let database: Database;
  let sut: TestApp;
  let clock: ManualClock;

  beforeAll(async () => {
    database = await kind.open();
    clock = new ManualClock('2026-03-01T08:00:00Z');
    sut = await makeTestApp(database, { clock, config: { lockoutThreshold: 3, sessionIdleMinutes: 30, sessionMaxHours: 12, loginRateLimitPerMinute: 1000 } });
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  const login = (username: string, password = TEST_PASSWORD) =>
    sut.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

  it('requires authentication for the session route', async () => {
    const res = await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });

  it('enrols TOTP at first sign-in, then signs in with password + code, and audits it', async () => {
    const s = await createAndSignIn(sut, ['operator'], { username: 'first.timer' });
    const session = await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: s.cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ user: { username: 'first.timer', roles: ['operator'] }, agency: { name: 'Test PD' } });

    // Second sign-in: no enrolment any more, the code is asked for.
    clock.advance(60_000);
    const again = await login('first.timer');
    expect(again.json()).toEqual({ next: 'totp' });
    const code = await sut.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp',
      headers: { cookie: sessionCookie(again) },
      payload: { code: totpCode(s.totpSecret, clock.now()) },
    });
    expect(code.statusCode).toBe(200);

    const audit = await listAudit(database.db, { actorId: s.userId }, 50);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['auth.totp_enrolled', 'auth.login']));
    expect(audit.filter((a) => a.action === 'auth.login' && a.outcome === 'success')).toHaveLength(2);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('gives the pending session no access to staff routes', async () => {
    await sut.ctx.staff.createUser({ agencyName: 'Test PD', username: 'halfway', password: TEST_PASSWORD, roles: ['operator'] }, CLI_ACTOR);
    const res = await login('halfway');
    const session = await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: sessionCookie(res) } });
    expect(session.statusCode).toBe(401);
    expect(session.json().code).toBe('MFA_REQUIRED');
  });

  it('refuses a wrong password and an unknown user with the same answer', async () => {
    await sut.ctx.staff.createUser({ agencyName: 'Test PD', username: 'wrongpw', password: TEST_PASSWORD, roles: ['operator'] }, CLI_ACTOR);
    const wrong = await login('wrongpw', 'not the password at all');
    const unknown = await login('nobody-here', 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().detail).toBe(unknown.json().detail);
    const failures = await listAudit(database.db, { action: 'auth.login', outcome: 'failure' }, 50);
    expect(failures.some((f) => f.actorName === 'nobody-here')).toBe(true);
  });

  it('locks the account after repeated failures, then unlocks after the lock period', async () => {
    await sut.ctx.staff.createUser({ agencyName: 'Test PD', username: 'guessme', password: TEST_PASSWORD, roles: ['operator'] }, CLI_ACTOR);
    for (let i = 0; i < 3; i++) expect((await login('guessme', `wrong password ${i}`)).statusCode).toBe(401);
    const locked = await login('guessme');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().detail).toMatch(/locked for \d+ more minute/);
    expect(locked.headers['retry-after']).toBeDefined();
    expect((await listAudit(database.db, { action: 'auth.locked' }, 10)).length).toBeGreaterThan(0);
    clock.advance(16 * 60_000);
    expect((await login('guessme')).statusCode).toBe(200);
  });

  it('refuses a wrong code and a replayed code', async () => {
    const s = await createAndSignIn(sut, ['operator'], { username: 'replayer' });
    const first = await login('replayer');
    // The code used at enrolment (same time step) must not work again.
    const replay = await sut.app.inject({
      method: 'POST',
      url: '/api/v1/auth/totp',
      headers: { cookie: sessionCookie(first) },
      payload: { code: totpCode(s.totpSecret, clock.now()) },
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().detail).toMatch(/already been used/);
    const wrong = await sut.app.inject({ method: 'POST', url: '/api/v1/auth/totp', headers: { cookie: sessionCookie(first) }, payload: { code: '000000' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('BAD_TOTP');
  });

  it('locks an idle session and ends one past its absolute lifetime', async () => {
    const s = await createAndSignIn(sut, ['operator']);
    clock.advance(29 * 60_000);
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(200);
    clock.advance(31 * 60_000);
    const idle = await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: s.cookie } });
    expect(idle.statusCode).toBe(401);
    expect(idle.json().detail).toMatch(/30 idle minutes/);
    // Once ended, it stays ended.
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);

    // Active every 20 minutes: never idle, yet the session ends at its 12-hour lifetime.
    const busy = await createAndSignIn(sut, ['operator']);
    let minutes = 0;
    let last;
    do {
      clock.advance(20 * 60_000);
      minutes += 20;
      last = await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: busy.cookie } });
    } while (last.statusCode === 200 && minutes < 24 * 60);
    expect(minutes).toBe(12 * 60);
    expect(last.json().code).toBe('SESSION_EXPIRED');
  });

  it('sets an httpOnly, SameSite=Strict session cookie', async () => {
    await sut.ctx.staff.createUser({ agencyName: 'Test PD', username: 'cookiecheck', password: TEST_PASSWORD, roles: ['operator'] }, CLI_ACTOR);
    const res = await login('cookiecheck');
    const c = res.cookies.find((x) => x.name === 'wf_session')!;
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Strict');
  });

  it('requires the CSRF token on cookie-authenticated writes', async () => {
    const s = await createAndSignIn(sut, ['operator']);
    const noToken = await sut.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().code).toBe('CSRF');
    const wrongToken = await sut.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(32) } });
    expect(wrongToken.statusCode).toBe(403);
    const ok = await sut.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers });
    expect(ok.statusCode).toBe(204);
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });

  it('checks roles: an operator cannot manage staff, an admin can', async () => {
    const operator = await createAndSignIn(sut, ['operator']);
    const admin = await createAndSignIn(sut, ['admin']);
    const payload = { username: 'made.by.admin', password: 'a long enough password', roles: ['operator'], agency: 'Test PD' };
    const denied = await sut.app.inject({ method: 'POST', url: '/api/v1/staff', headers: operator.headers, payload });
    expect(denied.statusCode).toBe(403);
    const created = await sut.app.inject({ method: 'POST', url: '/api/v1/staff', headers: admin.headers, payload });
    expect(created.statusCode).toBe(201);
    expect(created.json()).not.toHaveProperty('passwordHash');
    expect(created.json()).toMatchObject({ username: 'made.by.admin', totpEnrolled: false });
    const dup = await sut.app.inject({ method: 'POST', url: '/api/v1/staff', headers: admin.headers, payload });
    expect(dup.statusCode).toBe(409);
  });

  it('authenticates API keys, stores only their hash, and refuses revoked ones', async () => {
    const admin = await createAndSignIn(sut, ['admin']);
    const made = await sut.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: admin.headers, payload: { name: 'CAD feed', role: 'operator', agency: 'Test PD' } });
    expect(made.statusCode).toBe(201);
    const key = made.json().key as string;
    expect(key).toMatch(/^wfk_/);
    const list = await sut.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { cookie: admin.cookie } });
    expect(JSON.stringify(list.json())).not.toContain(key);

    const who = await sut.app.inject({ method: 'GET', url: '/api/v1/auth/whoami', headers: { authorization: `Bearer ${key}` } });
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ kind: 'api_key', name: 'CAD feed', roles: ['operator'] });
    // Keys are for feed routes only, not staff routes.
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/staff', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(403);

    const revoked = await sut.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${made.json().id}`, headers: admin.headers });
    expect(revoked.statusCode).toBe(200);
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/auth/whoami', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(401);
  });

  it('trusts a checked API key for a few seconds on another instance, and at once forgets one revoked here', async () => {
    const other = await makeTestApp(database, { clock, config: { apiKeyCacheSeconds: 5 } });
    const uncached = await makeTestApp(database, { clock, config: { apiKeyCacheSeconds: 0 } });
    try {
      const admin = await createAndSignIn(sut, ['admin']);
      const made = await sut.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: admin.headers, payload: { name: 'CAD two', role: 'operator', agency: 'Test PD' } });
      const key = made.json().key as string;
      const whoami = (app: TestApp) => app.app.inject({ method: 'GET', url: '/api/v1/auth/whoami', headers: { authorization: `Bearer ${key}` } }).then((r) => r.statusCode);
      expect([await whoami(sut), await whoami(other), await whoami(uncached)]).toEqual([200, 200, 200]);
      expect((await sut.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${made.json().id}`, headers: admin.headers })).statusCode).toBe(200);
      // Revoked through `sut`: refused there at once, and wherever nothing is cached; `other` still trusts its check.
      expect([await whoami(sut), await whoami(uncached), await whoami(other)]).toEqual([401, 401, 200]);
      clock.advance(5_000);
      expect(await whoami(other)).toBe(401);
    } finally {
      await other.close();
      await uncached.close();
    }
  });

  it('ends every session of an account an admin disables', async () => {
    const admin = await createAndSignIn(sut, ['admin']);
    const victim = await createAndSignIn(sut, ['operator']);
    const res = await sut.app.inject({ method: 'POST', url: `/api/v1/staff/${victim.userId}/disable`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect((await sut.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: victim.cookie } })).statusCode).toBe(401);
  });
});

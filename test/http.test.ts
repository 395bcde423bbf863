// The HTTP surface as a whole: every route declares its access, errors are problem documents, bad input is a 4xx.
import type { FastifyInstance, RouteOptions } from 'fastify';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { Access } from '../src/http/access.js';
import type { Database } from '../src/db/client.js';
import { testDatabases } from './support/databases.js';
import { createAndSignIn, makeTestApp, type SignedIn, type TestApp } from './support/app.js';

interface SeenRoute {
  method: string;
  url: string;
  access: Access | undefined;
  infrastructure: boolean;
}

setFlagsFromString('--expose-gc');

describe('the HTTP surface', () => {
  let database: Database;
  let sut: TestApp;
  let admin: SignedIn;
  const routes: SeenRoute[] = [];

  beforeAll(async () => {
    database = await testDatabases[0]!.open();
    sut = await makeTestApp(database, { config: { loginRateLimitPerMinute: 100_000, publicRateLimitPerMinute: 100_000 } });
    admin = await createAndSignIn(sut, ['admin', 'supervisor', 'auditor']);
  });
  afterAll(async () => {
    await sut.close();
    await database.close();
  });

  it('declares the access of every route', async () => {
    const probe = await buildAppRecording(sut, routes);
    await probe.close();
    const apiRoutes = routes.filter((r) => r.url.startsWith('/api/'));
    expect(apiRoutes.length).toBeGreaterThan(10);
    const undeclared = apiRoutes.filter((r) => r.access === undefined);
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Outside /api only read-only routes exist: health, metrics, docs and the web app's files.
    const writesOutsideApi = routes.filter((r) => !r.url.startsWith('/api/') && !['GET', 'HEAD'].includes(r.method));
    expect(writesOutsideApi.map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('refuses every non-public API route without a session', async () => {
    const guarded = routes.filter((r) => r.url.startsWith('/api/') && r.access !== 'public' && r.method !== 'HEAD');
    for (const r of guarded) {
      const url = r.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
      const res = await sut.app.inject({ method: r.method as 'GET', url, payload: r.method === 'GET' || r.method === 'DELETE' ? undefined : {} });
      expect([401, 400], `${r.method} ${r.url} answered ${res.statusCode}`).toContain(res.statusCode);
      if (res.statusCode === 400) throw new Error(`${r.method} ${r.url} validated before authenticating`);
    }
  });

  it('answers malformed JSON, wrong types, unknown fields and oversized bodies with a 4xx problem', async () => {
    const post = (payload: string, headers: Record<string, string> = {}) =>
      sut.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload, headers: { 'content-type': 'application/json', ...headers } });
    const broken = await post('{"username": "a", ');
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ code: 'BAD_JSON' });
    const wrongType = await post(JSON.stringify({ username: 5, password: 'x' }));
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json().errors[0]).toMatchObject({ pointer: '/body/username' });
    const unknown = await post(JSON.stringify({ username: 'a', password: 'b', admin: true }));
    expect(unknown.json().detail).toContain('unknown field "admin"');
    const missing = await post(JSON.stringify({ username: 'a' }));
    expect(missing.json().detail).toContain('"password" is required');
    const huge = await post(JSON.stringify({ username: 'a', password: 'x'.repeat(2 * 1024 * 1024) }));
    expect(huge.statusCode).toBe(413);
    const text = await sut.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: 'username=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.statusCode).toBe(415);
    const unknownRoute = await sut.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(unknownRoute.statusCode).toBe(404);
    expect(unknownRoute.headers['content-type']).toContain('application/problem+json');
  });

  it('never answers a generated bad body with a 5xx, and stays up', async () => {
    const writeRoutes = routes.filter((r) => r.url.startsWith('/api/') && ['POST', 'DELETE'].includes(r.method));
    const anyJson = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({ username: fc.anything(), password: fc.anything(), code: fc.anything(), roles: fc.anything(), agency: fc.anything(), name: fc.anything(), role: fc.anything(), kind: fc.anything() }, { requiredKeys: [] }),
    );
    const rawBody = fc.oneof(anyJson.map((v) => JSON.stringify(v) ?? 'null'), fc.string({ maxLength: 200 }), fc.constant(''), fc.constant('{'.repeat(500)));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writeRoutes), rawBody, fc.boolean(), async (route, body, signedIn) => {
        const url = route.url.replace(/:(\w+)/g, '00000000-0000-4000-8000-000000000000');
        const res = await sut.app.inject({
          method: route.method as 'POST',
          url,
          payload: body,
          headers: { 'content-type': 'application/json', ...(signedIn ? admin.headers : {}) },
        });
        if (res.statusCode >= 500) throw new Error(`${route.method} ${route.url} with ${body.slice(0, 200)} → ${res.statusCode} ${res.body}`);
        expect(res.statusCode).toBeGreaterThanOrEqual(200);
      }),
      { numRuns: 400 },
    );
    expect((await sut.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('fuzzes query strings of the audit route without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom('limit', 'before', 'from', 'to', 'action', 'agencyId', 'outcome', 'zzz'), fc.string({ maxLength: 40 })), async (query) => {
        const qs = new URLSearchParams(query).toString();
        const res = await sut.app.inject({ method: 'GET', url: `/api/v1/audit?${qs}`, headers: { cookie: admin.cookie } });
        expect(res.statusCode, res.body).toBeLessThan(500);
      }),
      { numRuns: 200 },
    );
  });

  it('sends security headers with a strict CSP', async () => {
    const res = await sut.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toBeTruthy();
    // Every answer, also an error (the policy is built once at start, not per request).
    const missing = await sut.app.inject({ method: 'GET', url: '/api/v1/no-such-route' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(res.headers['content-security-policy']);
    expect(missing.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('lets the pages load a configured base map from its own origins, and nothing else', async () => {
    const styled = await makeTestApp(database, { config: { mapStyleUrl: 'https://maps.example.org/style.json', mapOrigins: 'https://tiles.example.org' } });
    try {
      const csp = String((await styled.app.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy']);
      expect(csp).toContain("connect-src 'self' https://maps.example.org https://tiles.example.org");
      expect(csp).toContain("img-src 'self' data: blob: https://maps.example.org https://tiles.example.org");
      expect(csp).toContain("script-src 'self';");
    } finally {
      await styled.close();
    }
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    expect((await sut.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await sut.app.inject({ method: 'GET', url: '/readyz' })).json()).toMatchObject({ status: 'ready', database: 'pglite' });
    const metrics = await sut.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('watchfloor_http_request_duration_seconds');
    const doc = (await sut.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/staff', '/api/v1/audit/']));
    expect(doc.paths['/api/v1/auth/login'].post.requestBody).toBeDefined();
    expect((await sut.app.inject({ method: 'GET', url: '/docs/api/' })).statusCode).toBe(200);
  });

  it('lets a closed app go: nothing process-wide keeps its metrics (and all they read) alive', async () => {
    const gc = runInNewContext('gc') as () => void;
    // Built and closed inside a function of its own, so that only the WeakRef points at the registry afterwards.
    const closed = await (async () => {
      const other = await makeTestApp(database);
      const ref = new WeakRef(other.app.metrics.registry);
      expect((await other.app.inject({ method: 'GET', url: '/metrics' })).body).toContain('watchfloor_nodejs_gc_duration_seconds');
      await other.close();
      await other.ctx.close();
      return ref;
    })();
    for (let i = 0; i < 10 && closed.deref() !== undefined; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      gc();
    }
    expect(closed.deref()).toBeUndefined();
    // The process's metrics still come with the apps that remain.
    expect((await sut.app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/watchfloor_process_cpu_user_seconds_total\{app="watchfloor"\}/);
  });

  it('rate-limits the sign-in route per address', async () => {
    const limited = await makeTestApp(database, { config: { loginRateLimitPerMinute: 3 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x', password: 'y' } })).statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});

/** Builds the app again with an onRoute hook registered first, collecting every route's declared access. */
async function buildAppRecording(sut: TestApp, into: SeenRoute[]): Promise<FastifyInstance> {
  const app = await buildApp(sut.ctx, {
    logger: false,
    serveWeb: true,
    onRoute: (route: RouteOptions) => {
      const config = (route.config ?? {}) as { access?: Access; infrastructure?: boolean };
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) into.push({ method, url: route.url, access: config.access, infrastructure: !!config.infrastructure });
    },
  });
  await app.ready();
  return app;
}

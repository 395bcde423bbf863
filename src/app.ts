// buildApp(): the Fastify application, kept apart from listen() so tests drive it with inject() or port 0.
// Infrastructure first (errors, security headers, cookies, rate limits, docs, auth), then each domain's routes.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { AppContext } from './context.js';
import { accessGuard, requireDeclaredAccess } from './http/access.js';
import { installProblemHandlers, sendProblem } from './http/problems.js';
import { securityHeaders } from './http/security-headers.js';
import { bodyValidatorCompiler } from './http/validation.js';
import { Problem } from './http/schemas.js';
import { createMetrics, instrument, type Metrics } from './platform/metrics.js';
import { healthRoutes } from './health/health.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { staffRoutes } from './staff/staff.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { publicRoutes } from './cameras/public.routes.js';
import { cameraRoutes } from './cameras/camera.routes.js';
import { outboxRoutes } from './notifications/outbox.routes.js';
import { incidentRoutes } from './incidents/incident.routes.js';
import { evidenceRoutes } from './evidence/evidence.routes.js';
import { mapOrigins } from './config.js';
import { areaRoutes } from './geo/areas.routes.js';
import { uploadRoutes } from './evidence/upload.routes.js';
import { liveRoutes } from './events/live.routes.js';
import { alertRoutes } from './alerts/alert.routes.js';
import { requestKindRoutes } from './requests/request-kinds.routes.js';
import { incidentNoteRoutes } from './incidents/incident-notes.routes.js';

export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'web', 'dist');

export type App = FastifyInstance;

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
    metrics: Metrics;
  }
}

export interface BuildOptions {
  logger?: FastifyServerOptions['logger'];
  /** Serve the built web app from web/dist (default true). */
  serveWeb?: boolean;
  /** Called for every route as it is registered (the route-access test walks them with it). */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(ctx: AppContext, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    ...(opts.logger !== undefined ? { logger: opts.logger } : { loggerInstance: ctx.log as FastifyBaseLogger }),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
    },
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true, useDefaults: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.decorate('ctx', ctx);
  const metrics = createMetrics();
  app.decorate('metrics', metrics);
  app.decorateRequest('principal', null);
  // Bodies are checked strictly (no type coercion); query strings and params are coerced from text.
  app.setValidatorCompiler(bodyValidatorCompiler());
  installProblemHandlers(app);
  app.addSchema(Problem);
  requireDeclaredAccess(app);
  instrument(app, metrics);
  const stopIntakeTimings = ctx.incidents.onTimings((t) => {
    metrics.intakePhase.observe({ phase: 'before' }, t.beforeMs / 1000);
    metrics.intakePhase.observe({ phase: 'first' }, t.firstMs / 1000);
    metrics.intakePhase.observe({ phase: 'plan' }, t.planMs / 1000);
    metrics.intakePhase.observe({ phase: 'commit' }, t.commitMs / 1000);
  });
  app.addHook('onClose', async () => {
    stopIntakeTimings();
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  securityHeaders(app, { mapSources: mapOrigins(config), hsts: config.secureCookies });
  await app.register(cookie);
  // Applied per route: public routes get the public limit, sign-in routes a stricter one (see auth.routes).
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (request, context) => ({
      statusCode: 429,
      code: 'RATE_LIMITED',
      message: `Too many requests from this address; try again in ${Math.ceil(context.ttl / 1000)} s.`,
    }),
  });
  app.addHook('onRoute', (route) => {
    const config = route.config as { access?: unknown; rateLimit?: unknown } | undefined;
    if (config?.access === 'public' && config.rateLimit === undefined) {
      route.config = { ...config, rateLimit: { max: ctx.config.publicRateLimitPerMinute, timeWindow: '1 minute' } } as typeof route.config;
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Watchfloor API',
        version: '1',
        description:
          'Real-time crime center and community camera program. Staff routes take the session cookie (and X-CSRF-Token on writes); feed routes take `Authorization: Bearer <API key>`. Errors are RFC 9457 problem documents.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'wf_session' },
          apiKey: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs/api', staticCSP: true });

  // Before validation: an unauthenticated caller learns nothing about a route's body schema.
  app.addHook('preValidation', accessGuard(ctx.auth, ctx.owners));

  await app.register(healthRoutes);
  await app.register(authRoutes, { prefix: '/api/v1/auth' });
  await app.register(staffRoutes, { prefix: '/api/v1' });
  await app.register(auditRoutes, { prefix: '/api/v1/audit' });
  await app.register(publicRoutes, { prefix: '/api/v1' });
  await app.register(cameraRoutes, { prefix: '/api/v1' });
  await app.register(outboxRoutes, { prefix: '/api/v1' });
  await app.register(incidentRoutes, { prefix: '/api/v1' });
  await app.register(evidenceRoutes, { prefix: '/api/v1' });
  await app.register(liveRoutes, { prefix: '/api/v1' });
  await app.register(alertRoutes, { prefix: '/api/v1' });
  await app.register(requestKindRoutes, { prefix: '/api/v1' });
  await app.register(incidentNoteRoutes, { prefix: '/api/v1' });
  await app.register(areaRoutes, { prefix: '/api/v1' });
  await app.register(uploadRoutes);

  app.get('/openapi.json', { config: { infrastructure: true }, schema: { hide: true } }, async () => app.swagger());

  if (opts.serveWeb !== false) await serveWebApp(app);
  else {
    // reply.sendFile (evidence streaming, with Range support) comes from @fastify/static.
    await app.register(fastifyStatic, { root: WEB_DIST, serve: false });
    installNotFound(app, false);
  }
  return app;
}

function installNotFound(app: FastifyInstance, spa: boolean): void {
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/');
    // A missing asset (an old tab after a deploy) is a 404, not the page: the browser must not run HTML as script.
    const isAsset = request.url.startsWith('/assets/');
    if (!spa || isApi || isAsset || request.method !== 'GET') {
      return sendProblem(reply, request, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
    }
    // The web app routes on the client: any other GET gets its page.
    return reply.type('text/html').sendFile('index.html');
  });
}

async function serveWebApp(app: FastifyInstance): Promise<void> {
  if (!fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    await app.register(fastifyStatic, { root: path.dirname(WEB_DIST), serve: false });
    app.get('/', { config: { infrastructure: true }, schema: { hide: true } }, async (_req, reply) =>
      reply.type('text/html').send('<!doctype html><title>Watchfloor</title><p>The web app is not built. Run <code>npm run build:web</code>.</p>'),
    );
    installNotFound(app, false);
    return;
  }
  // wildcard: files are looked up per request, so a rebuilt web app is served without a restart.
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: true, maxAge: '1h', index: ['index.html'] });
  installNotFound(app, true);
}

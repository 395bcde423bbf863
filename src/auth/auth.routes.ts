// Sign-in (password, then TOTP), the current session, sign-out.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ROLES } from '../db/schema.js';
import { SESSION_COOKIE, requirePrincipal } from '../http/access.js';
import { errorResponses } from '../http/schemas.js';
import type { Principal } from './auth.service.js';

const SessionView = Type.Object({
  user: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
  }),
  agency: Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String() }),
  csrfToken: Type.String({ description: 'Send as X-CSRF-Token on every write made with this session.' }),
  expiresAt: Type.String({ format: 'date-time' }),
  idleExpiresAt: Type.String({ format: 'date-time', description: 'When the session locks without further requests.' }),
});

function sessionView(p: Principal) {
  return {
    user: { id: p.id, username: p.name, displayName: p.displayName, roles: p.roles },
    agency: p.agency,
    csrfToken: p.session!.csrfToken,
    expiresAt: p.session!.expiresAt.toISOString(),
    idleExpiresAt: p.session!.idleExpiresAt.toISOString(),
  };
}

const ctxOf = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'], requestId: request.id });

export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { auth, config } = app.ctx;
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: config.secureCookies, path: '/' };
  const setCookie = (reply: FastifyReply, token: string, maxAgeS: number) => reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: maxAgeS });
  const signInLimit = { max: config.loginRateLimitPerMinute, timeWindow: '1 minute' };

  app.post(
    '/login',
    {
      config: { access: 'public', rateLimit: signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in, step 1: username and password',
        description:
          'Opens a short pending session (cookie). `next` says what the second step is: `totp` (enter the code) or `enroll` (first sign-in: scan the QR code, then enter a code).',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            next: Type.Union([Type.Literal('totp'), Type.Literal('enroll')]),
            enrollment: Type.Optional(
              Type.Object({
                secret: Type.String({ description: 'Base32 TOTP seed, for typing into an app by hand' }),
                otpauthUri: Type.String(),
                qrDataUrl: Type.String({ description: 'PNG data URL of the QR code for the otpauth URI' }),
              }),
            ),
          }),
          ...errorResponses(400, 401, 423, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await auth.login(request.body.username, request.body.password, ctxOf(request));
      setCookie(reply, result.token, 5 * 60);
      return result.next === 'enroll' ? { next: result.next, enrollment: result.enrollment } : { next: result.next };
    },
  );

  app.post(
    '/totp',
    {
      config: { access: 'mfa', rateLimit: signInLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in, step 2: the code from the authenticator app',
        description: 'Completes sign-in (and TOTP enrolment on first sign-in). The session cookie is replaced by a new one.',
        body: Type.Object({ code: Type.String({ pattern: '^\\s*\\d{6}\\s*$', description: 'six digits' }) }, { additionalProperties: false }),
        response: { 200: SessionView, ...errorResponses(400, 401, 409, 423, 429) },
      },
    },
    async (request, reply) => {
      const { token, principal } = await auth.completeSecondFactor(request.cookies[SESSION_COOKIE]!, request.body.code, ctxOf(request));
      app.metrics.signIns.inc({ outcome: 'success' });
      setCookie(reply, token, config.sessionMaxHours * 3600);
      return sessionView(principal);
    },
  );

  app.get(
    '/session',
    {
      config: { access: { roles: ROLES } },
      schema: { tags: ['auth'], summary: 'The signed-in staff member, agency and CSRF token', response: { 200: SessionView, ...errorResponses(401) } },
    },
    async (request) => sessionView(requirePrincipal(request)),
  );

  app.get(
    '/whoami',
    {
      config: { access: { roles: ROLES, apiKey: true } },
      schema: {
        tags: ['auth'],
        summary: 'Who the caller is: a staff session or an API key (lets a feed check its key)',
        response: {
          200: Type.Object({
            kind: Type.String(),
            id: Type.String(),
            name: Type.String(),
            roles: Type.Array(Type.String()),
            agency: Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String() }),
          }),
          ...errorResponses(401),
        },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      return { kind: p.kind, id: p.id, name: p.name, roles: p.roles, agency: p.agency };
    },
  );

  app.post(
    '/logout',
    {
      config: { access: { roles: ROLES } },
      schema: { tags: ['auth'], summary: 'Sign out: ends the session', response: { 204: Type.Null(), ...errorResponses(401, 403) } },
    },
    async (request, reply) => {
      await auth.logout(requirePrincipal(request), ctxOf(request));
      reply.clearCookie(SESSION_COOKIE, cookieOptions);
      return reply.status(204).send(null);
    },
  );
};

// Who may call a route is declared next to the route, as `config: { access }`. Every route under /api must
// declare it; registration fails otherwise (and a test walks every route to prove it).
import '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../db/schema.js';
import { AppError } from '../errors.js';
import { timingSafeEqualText } from '../platform/crypto.js';
import type { AuthService, Principal } from '../auth/auth.service.js';

export type Access =
  /** Anyone; rate-limited per client address. */
  | 'public'
  /** Only the second step of sign-in: a session that has passed the password but not yet the code. */
  | 'mfa'
  /** A camera owner signed in through a mailed link (owner session cookie). */
  | 'owner'
  /** A signed-in staff member (or an API key, when `apiKey` is true) holding one of these roles. */
  | { roles: readonly Role[]; apiKey?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** Infrastructure routes (health, metrics, docs, the web app's files) that sit outside /api. */
    infrastructure?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** Set on 'owner' routes: the owner whose link opened this session. */
    ownerId: string | null;
  }
}

export const SESSION_COOKIE = 'wf_session';
export const OWNER_COOKIE = 'wf_owner';
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function describeAccess(access: Access | undefined): string {
  if (access === undefined) return 'undeclared';
  if (typeof access === 'string') return access;
  return `roles: ${access.roles.join(', ')}${access.apiKey ? ' (API key allowed)' : ''}`;
}

/** Throws at registration when an /api route has no declared access. */
export function requireDeclaredAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const config = route.config as { access?: Access; infrastructure?: boolean } | undefined;
    if (route.url.startsWith('/api/') && config?.access === undefined) {
      throw new Error(`route ${route.method} ${route.url} declares no access (config.access)`);
    }
  });
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED', 'The Authorization header must be "Bearer <API key>".');
  return match[1];
}

/** Checks the caller against the route's declared access; sets request.principal. */
export function accessGuard(auth: AuthService, owners: { resolveSession(token: string): Promise<string> }) {
  return async function guard(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const access = request.routeOptions.config.access;
    if (access === undefined || access === 'public') return;
    if (access === 'owner') {
      const token = request.cookies[OWNER_COOKIE];
      if (!token) throw new AppError('UNAUTHENTICATED', 'Open the link from your email, or ask for a new one.');
      // Owner writes must be JSON, or tus uploads with their Tus-Resumable header: a cross-site form can send
      // neither without a CORS preflight, which is never granted.
      const json = String(request.headers['content-type'] ?? '').startsWith('application/json');
      if (UNSAFE_METHODS.has(request.method) && !json && request.headers['tus-resumable'] === undefined) {
        throw new AppError('CSRF', 'Send changes as application/json.');
      }
      request.ownerId = await owners.resolveSession(token);
      return;
    }

    const apiKey = bearerToken(request);
    if (apiKey !== undefined) {
      if (access === 'mfa' || typeof access === 'string' || !access.apiKey) throw new AppError('FORBIDDEN', 'This route is for staff sessions, not API keys.');
      request.principal = await auth.authenticateApiKey(apiKey);
    } else {
      const token = request.cookies[SESSION_COOKIE];
      if (!token) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
      const { stage, principal } = await auth.resolveSession(token);
      if (access === 'mfa') {
        if (stage !== 'mfa') throw new AppError('CONFLICT', 'This session has already passed the second factor.');
        request.principal = principal;
        return;
      }
      if (stage !== 'active') throw new AppError('MFA_REQUIRED', 'Enter the code from your authenticator app to finish signing in.');
      if (UNSAFE_METHODS.has(request.method)) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !timingSafeEqualText(sent, principal.session!.csrfToken)) {
          throw new AppError('CSRF', 'Writes need the X-CSRF-Token header from GET /api/v1/auth/session.');
        }
      }
      request.principal = principal;
    }
    const principal = request.principal!;
    if (!principal.roles.some((r) => access.roles.includes(r))) {
      throw new AppError('FORBIDDEN', `This needs one of the roles: ${access.roles.join(', ')}.`);
    }
  };
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 'Sign in to continue.');
  return request.principal;
}

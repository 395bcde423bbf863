// Admin routes for agencies, staff accounts and API keys.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { AgencyKindName, errorResponses, IdParams, RoleName } from '../http/schemas.js';
import type { Principal } from '../auth/auth.service.js';
import { apiKeyView, staffView, USERNAME_PATTERN, type Actor } from './staff.service.js';

const admin = { roles: ['admin'] as const };
const adminOrSupervisor = { roles: ['admin', 'supervisor'] as const };

const AgencyView = Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String(), createdAt: Type.String() });
const StaffViewSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  roles: Type.Array(Type.String()),
  agencyId: Type.String(),
  totpEnrolled: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
const ApiKeyViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  agencyId: Type.String(),
  prefix: Type.String({ description: 'First characters of the key, to tell keys apart' }),
  createdBy: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revoked: Type.Boolean(),
});

export function actorOf(p: Principal, requestId: string): Actor {
  return { actorType: p.kind === 'staff' ? 'staff' : 'api_key', actorId: p.id, actorName: p.name, agencyId: p.agency.id, requestId };
}

const agencyView = (a: { id: string; name: string; kind: string; createdAt: Date }) => ({ id: a.id, name: a.name, kind: a.kind, createdAt: a.createdAt.toISOString() });

export const staffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { staff } = app.ctx;

  app.get(
    '/agencies',
    { config: { access: adminOrSupervisor }, schema: { tags: ['staff'], summary: 'List agencies', response: { 200: Type.Array(AgencyView), ...errorResponses(401, 403) } } },
    async () => (await staff.listAgencies()).map(agencyView),
  );

  app.post(
    '/agencies',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'Create an agency',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }), kind: AgencyKindName }, { additionalProperties: false }),
        response: { 201: AgencyView, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const agency = await staff.createAgency(request.body.name, request.body.kind, actorOf(requirePrincipal(request), request.id));
      return reply.status(201).send(agencyView(agency));
    },
  );

  app.get(
    '/staff',
    {
      config: { access: adminOrSupervisor },
      schema: {
        tags: ['staff'],
        summary: 'List staff accounts',
        description: 'Supervisors see their own agency; admins see all, or one agency with ?agencyId=.',
        querystring: Type.Object({ agencyId: Type.Optional(Type.String({ format: 'uuid' })) }, { additionalProperties: false }),
        response: { 200: Type.Array(StaffViewSchema), ...errorResponses(401, 403) },
      },
    },
    async (request) => {
      const p = requirePrincipal(request);
      const agencyId = p.roles.includes('admin') ? request.query.agencyId : p.agency.id;
      return (await staff.listUsers(agencyId)).map(staffView);
    },
  );

  app.post(
    '/staff',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'Create a staff account',
        description: 'The new account enrols its TOTP second factor at its first sign-in. The agency is created when none has that name.',
        body: Type.Object(
          {
            username: Type.String({ pattern: USERNAME_PATTERN.source }),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
            password: Type.String({ minLength: 12, maxLength: 256 }),
            roles: Type.Array(RoleName, { minItems: 1, maxItems: 5 }),
            agency: Type.String({ minLength: 1, maxLength: 200, description: 'Agency name' }),
            agencyKind: Type.Optional(AgencyKindName),
          },
          { additionalProperties: false },
        ),
        response: { 201: StaffViewSchema, ...errorResponses(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { user } = await staff.createUser(
        { agencyName: b.agency, agencyKind: b.agencyKind, username: b.username, displayName: b.displayName, email: b.email ?? null, password: b.password, roles: b.roles },
        actorOf(requirePrincipal(request), request.id),
      );
      return reply.status(201).send(staffView(user));
    },
  );

  for (const change of ['unlock', 'disable', 'enable', 'reset-totp'] as const) {
    app.post(
      `/staff/:id/${change}`,
      {
        config: { access: admin },
        schema: {
          tags: ['staff'],
          summary: { unlock: 'Unlock an account', disable: 'Disable an account (ends its sessions)', enable: 'Re-enable an account', 'reset-totp': 'Make the account enrol a new second factor' }[change],
          params: IdParams,
          response: { 200: StaffViewSchema, ...errorResponses(401, 403, 404) },
        },
      },
      async (request) => staffView(await staff.changeUser(request.params.id, change, actorOf(requirePrincipal(request), request.id))),
    );
  }

  app.get(
    '/api-keys',
    { config: { access: admin }, schema: { tags: ['staff'], summary: 'List API keys (never the keys themselves)', response: { 200: Type.Array(ApiKeyViewSchema), ...errorResponses(401, 403) } } },
    async () => (await staff.listApiKeys()).map(apiKeyView),
  );

  app.post(
    '/api-keys',
    {
      config: { access: admin },
      schema: {
        tags: ['staff'],
        summary: 'Create an API key for a machine feed',
        description: 'The key is in this response only; only its hash is stored.',
        body: Type.Object(
          { name: Type.String({ minLength: 1, maxLength: 200 }), role: RoleName, agency: Type.String({ minLength: 1, maxLength: 200 }), agencyKind: Type.Optional(AgencyKindName) },
          { additionalProperties: false },
        ),
        response: { 201: Type.Intersect([ApiKeyViewSchema, Type.Object({ key: Type.String() })]), ...errorResponses(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const { key, record } = await staff.createApiKey({ agencyName: b.agency, agencyKind: b.agencyKind, name: b.name, role: b.role }, actorOf(requirePrincipal(request), request.id));
      return reply.status(201).send({ ...apiKeyView(record), key });
    },
  );

  app.delete(
    '/api-keys/:id',
    { config: { access: admin }, schema: { tags: ['staff'], summary: 'Revoke an API key', params: IdParams, response: { 200: ApiKeyViewSchema, ...errorResponses(401, 403, 404) } } },
    async (request) => apiKeyView(await staff.revokeApiKey(request.params.id, actorOf(requirePrincipal(request), request.id))),
  );
};

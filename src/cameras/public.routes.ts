// Public CameraConnect routes: terms, page configuration, registration, owner links and the owner's own page,
// address search, and aggregate coverage. Rate-limited per client address.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { OWNER_COOKIE } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { AppError } from '../errors.js';
import { CameraPatch, CameraView, RegistrationBody } from './camera.schema.js';
import { cameraView } from './camera.views.js';
import { coverageGeoJson } from './coverage.js';
import { CONSENT_VERSION, TERMS_TEXT } from './terms.js';
import { searchAddress } from './geocoder.js';
import { verifiedPositions } from './camera.repository.js';

const OwnerOverview = Type.Object({
  owner: Type.Record(Type.String(), Type.Unknown()),
  cameras: Type.Array(CameraView),
  requests: Type.Array(Type.Record(Type.String(), Type.Unknown()), { description: 'every footage request made of these cameras, newest first' }),
  retentionDays: Type.Integer({ description: 'days personal data is kept after withdrawal' }),
});

export const publicRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { registrations, owners, config, serviceArea, database } = app.ctx;
  const ownerCookie = { httpOnly: true, sameSite: 'strict' as const, secure: config.secureCookies, path: '/' };

  app.get('/public/terms', { config: { access: 'public' }, schema: { tags: ['public'], summary: 'The current program terms', response: { 200: Type.Object({ version: Type.String(), text: Type.String() }) } } }, async () => ({
    version: CONSENT_VERSION,
    text: TERMS_TEXT,
  }));

  app.get(
    '/public/config',
    { config: { access: 'public' }, schema: { tags: ['public'], summary: 'What the public pages need: service area, map style, whether address search is available' } },
    async () => ({
      serviceArea: { name: serviceArea.name, bbox: serviceArea.bbox, geometry: serviceArea.geometry },
      mapStyleUrl: config.mapStyleUrl ?? null,
      geocoder: !!config.geocoderUrl,
      consentVersion: CONSENT_VERSION,
    }),
  );

  app.get(
    '/public/geocode',
    {
      config: { access: 'public' },
      schema: {
        tags: ['public'],
        summary: 'Find an address in the service area (through the configured geocoder)',
        querystring: Type.Object({ q: Type.String({ minLength: 3, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: Type.Array(Type.Object({ label: Type.String(), lat: Type.Number(), lng: Type.Number() })), ...errorResponses(400, 404, 429, 503) },
      },
    },
    async (request) => {
      if (!config.geocoderUrl) throw new AppError('NOT_FOUND', 'Address search is not configured here; place the pin on the map.');
      return searchAddress(config.geocoderUrl, request.query.q, serviceArea);
    },
  );

  app.post(
    '/registrations',
    {
      config: { access: 'public', rateLimit: { max: config.registrationRateLimitPerHour, timeWindow: '1 hour' } },
      schema: {
        tags: ['public'],
        summary: 'Register cameras (owner self-registration)',
        description: 'Creates the owner and cameras, pending review, and mails the owner a link to manage them. A second identical submission within a day is refused (409).',
        body: RegistrationBody,
        response: { 202: Type.Object({ status: Type.Literal('received'), cameraCount: Type.Integer() }), ...errorResponses(400, 409, 413, 429) },
      },
    },
    async (request, reply) => reply.status(202).send(await registrations.register(request.body, { ip: request.ip, requestId: request.id })),
  );

  app.post(
    '/owner/links',
    {
      config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 hour' } },
      schema: {
        tags: ['owner'],
        summary: 'Mail a self-service link to the address a camera owner registered with',
        description: 'Answers 202 whether or not the address is registered, so the answer tells nobody who takes part.',
        body: Type.Object({ email: Type.String({ format: 'email', maxLength: 320 }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ status: Type.Literal('sent-if-registered') }), ...errorResponses(400, 429) },
      },
    },
    async (request, reply) => {
      await owners.requestLink(request.body.email, request.id);
      return reply.status(202).send({ status: 'sent-if-registered' as const });
    },
  );

  app.post(
    '/owner/session',
    {
      config: { access: 'public', rateLimit: { max: 30, timeWindow: '1 hour' } },
      schema: {
        tags: ['owner'],
        summary: 'Open the owner page with a mailed link (uses the link up)',
        body: Type.Object({ token: Type.String({ minLength: 10, maxLength: 300 }) }, { additionalProperties: false }),
        response: { 200: OwnerOverview, ...errorResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { token, expiresAt } = await owners.openSession(request.body.token, request.id);
      reply.setCookie(OWNER_COOKIE, token, { ...ownerCookie, expires: expiresAt });
      return owners.overview(await owners.resolveSession(token));
    },
  );

  app.get('/owner/me', { config: { access: 'owner' }, schema: { tags: ['owner'], summary: "The owner's registration and cameras", response: { 200: OwnerOverview, ...errorResponses(401) } } }, async (request) =>
    owners.overview(request.ownerId!),
  );

  app.patch(
    '/owner/cameras/:id',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['owner'],
        summary: 'Edit a camera (a moved or re-aimed verified camera goes back to review)',
        params: IdParams,
        body: CameraPatch,
        response: { 200: CameraView, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => cameraView(await owners.editCamera(request.ownerId!, request.params.id, request.body, request.id)),
  );

  for (const action of ['pause', 'resume'] as const) {
    app.post(
      `/owner/cameras/:id/${action}`,
      {
        config: { access: 'owner' },
        schema: { tags: ['owner'], summary: action === 'pause' ? 'Pause a camera: no requests while paused' : 'Resume a paused camera', params: IdParams, response: { 200: CameraView, ...errorResponses(401, 403, 404, 409) } },
      },
      async (request) => cameraView(await owners.setPaused(request.ownerId!, request.params.id, action === 'pause', request.id)),
    );
  }

  app.post(
    '/owner/withdraw',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['owner'],
        summary: 'Withdraw cameras (all of them when cameraIds is left out)',
        description: 'Withdrawn cameras leave matching at once. When no camera is left, personal data is erased after the retention period.',
        body: Type.Object({ cameraIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 50 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ withdrawn: Type.Integer(), ownerWithdrawn: Type.Boolean(), erased: Type.Boolean() }), ...errorResponses(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const r = await owners.withdraw(request.ownerId!, request.body.cameraIds ?? 'all', request.id);
      if (r.erased) reply.clearCookie(OWNER_COOKIE, ownerCookie);
      return { withdrawn: r.withdrawn.length, ownerWithdrawn: r.ownerWithdrawn, erased: r.erased };
    },
  );

  app.get('/owner/export', { config: { access: 'owner' }, schema: { tags: ['owner'], summary: 'Everything the program holds about the owner (JSON)' } }, async (request, reply) => {
    reply.header('content-disposition', 'attachment; filename="cameraconnect-my-data.json"');
    return owners.export(request.ownerId!, request.id);
  });

  app.post('/owner/logout', { config: { access: 'owner' }, schema: { tags: ['owner'], summary: 'Close the owner page', response: { 204: Type.Null() } } }, async (request, reply) => {
    await owners.endSession(request.cookies[OWNER_COOKIE]!);
    reply.clearCookie(OWNER_COOKIE, ownerCookie);
    return reply.status(204).send(null);
  });

  let coverageCache: { at: number; body: unknown } | undefined;
  app.get(
    '/public/coverage.geojson',
    { config: { access: 'public' }, schema: { tags: ['public'], summary: 'Aggregate camera coverage: verified cameras per hexagon (no camera positions)' } },
    async (_request, reply) => {
      if (!coverageCache || Date.now() - coverageCache.at > 5 * 60_000) {
        coverageCache = { at: Date.now(), body: coverageGeoJson(await verifiedPositions(database.db)) };
      }
      return reply.type('application/geo+json').send(coverageCache.body);
    },
  );
};

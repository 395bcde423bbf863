// Staff routes for the registry: list and map cameras, the review queue and decisions, nearby search through the
// index, import and export. Owner personal data is only in the review queue and single-camera view, and audited.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { invalid, notFound } from '../errors.js';
import { appendAuditAlone } from '../audit/audit.repository.js';
import { actorOf } from '../staff/staff.routes.js';
import * as repo from './camera.repository.js';
import { CameraStatusSchema, CameraView } from './camera.schema.js';
import { cameraView, ownerView } from './camera.views.js';

const floor = { roles: ['operator', 'supervisor', 'admin'] as const };
const program = { roles: ['supervisor', 'admin'] as const };
const IMPORT_LIMIT_BYTES = 25 * 1024 * 1024;

const Bbox = Type.String({ pattern: '^-?\\d+(\\.\\d+)?(,-?\\d+(\\.\\d+)?){3}$', description: 'west,south,east,north' });

function parseBbox(text: string | undefined): [number, number, number, number] | undefined {
  if (!text) return undefined;
  const [w, s, e, n] = text.split(',').map(Number) as [number, number, number, number];
  if (w > e || s > n) throw invalid('bbox must be west,south,east,north with west ≤ east and south ≤ north');
  return [w, s, e, n];
}

export const cameraRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { database, reviews, importer, cameras, clock } = app.ctx;
  const db = database.db;
  for (const type of ['text/csv', 'application/geo+json']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: IMPORT_LIMIT_BYTES }, (_req, body, done) => done(null, body));
  }

  app.get(
    '/cameras',
    {
      config: { access: floor },
      schema: {
        tags: ['cameras'],
        summary: 'List cameras (no owner details)',
        querystring: Type.Object(
          {
            status: Type.Optional(CameraStatusSchema),
            tier: Type.Optional(Type.String({ maxLength: 20 })),
            bbox: Type.Optional(Bbox),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 500 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ cameras: Type.Array(CameraView), total: Type.Integer() }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const filter = { status: q.status, tier: q.tier, bbox: parseBbox(q.bbox) };
      const [rows, total] = await Promise.all([repo.listCameras(db, filter, q.limit ?? 500, q.offset ?? 0), repo.countCameras(db, filter)]);
      return { cameras: rows.map(cameraView), total };
    },
  );

  app.get(
    '/cameras/map.geojson',
    {
      config: { access: floor },
      schema: {
        tags: ['cameras'],
        summary: 'Verified cameras as GeoJSON points with their field of view, for the floor map',
        querystring: Type.Object({ bbox: Type.Optional(Bbox) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const rows = await repo.listCameras(db, { status: 'verified', bbox: parseBbox(request.query.bbox) }, 200_000);
      return reply.type('application/geo+json').send({
        type: 'FeatureCollection',
        features: rows.map((c) => ({
          type: 'Feature',
          id: c.id,
          geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
          properties: { id: c.id, kind: c.kind, tier: c.tier, bearingDeg: c.bearingDeg, fovDeg: c.fovDeg, rangeM: c.rangeM, retentionDays: c.retentionDays },
        })),
      });
    },
  );

  app.get(
    '/cameras/nearby',
    {
      config: { access: floor },
      schema: {
        tags: ['cameras'],
        summary: 'Cameras that could see an area: inside range, the area meeting the field of view; ranked',
        querystring: Type.Object(
          {
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            lng: Type.Number({ minimum: -180, maximum: 180 }),
            accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 5000, default: 0 })),
            radiusM: Type.Optional(Type.Number({ minimum: 1, maximum: 5000, default: 250 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            purpose: Type.Optional(Type.String({ maxLength: 200, description: 'why the search is made (recorded in the audit trail)' })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const started = performance.now();
      const matches = cameras.index.findCamerasThatCouldSee({ lat: q.lat, lng: q.lng, accuracyM: q.accuracyM ?? 0 }, q.radiusM ?? 250, { limit: q.limit ?? 100 });
      const micros = Math.round((performance.now() - started) * 1000);
      const p = requirePrincipal(request);
      await appendAuditAlone(db, { ...actorOf(p, request.id), action: 'camera.search', purpose: q.purpose ?? null, details: { lat: q.lat, lng: q.lng, radiusM: q.radiusM ?? 250, found: matches.length } }, clock.now());
      return {
        queryMicros: micros,
        matches: matches.map((m) => ({
          cameraId: m.camera.id,
          tier: m.camera.tier,
          kind: m.camera.kind,
          location: { lat: m.camera.lat, lng: m.camera.lng },
          bearingDeg: m.camera.bearingDeg,
          fovDeg: m.camera.fovDeg,
          rangeM: m.camera.rangeM,
          retentionDays: m.camera.retentionDays,
          distanceM: Math.round(m.distanceM * 10) / 10,
          facesArea: m.facesArea,
          score: Math.round(m.score * 1000) / 1000,
        })),
      };
    },
  );

  app.get(
    '/cameras/review-queue',
    {
      config: { access: program },
      schema: { tags: ['cameras'], summary: 'Cameras waiting for review, oldest first, with their owners (viewing is audited)', querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }) },
    },
    async (request) => ({ items: await reviews.queue(actorOf(requirePrincipal(request), request.id), request.query.limit ?? 100) }),
  );

  app.get(
    '/cameras/:id',
    { config: { access: floor }, schema: { tags: ['cameras'], summary: 'One camera; supervisors and admins also see its owner (audited)', params: IdParams } },
    async (request) => {
      const camera = await repo.findCamera(db, request.params.id);
      if (!camera) throw notFound('that camera');
      const p = requirePrincipal(request);
      const maySee = p.roles.some((r) => r === 'supervisor' || r === 'admin');
      const owner = maySee && camera.ownerId ? await repo.findOwner(db, camera.ownerId) : undefined;
      if (owner) await appendAuditAlone(db, { ...actorOf(p, request.id), action: 'owner.view', targetType: 'owner', targetId: owner.id, details: { camera: camera.id } }, clock.now());
      return { camera: cameraView(camera), owner: owner ? ownerView(owner) : null };
    },
  );

  const decision = (name: 'verify' | 'reject' | 'request-changes') =>
    app.post(
      `/cameras/:id/${name}`,
      {
        config: { access: program },
        schema: {
          tags: ['cameras'],
          summary: { verify: 'Approve a pending camera: it enters matching', reject: 'Reject a pending camera with a reason the owner receives', 'request-changes': 'Ask the owner to change the registration' }[name],
          params: IdParams,
          body: name === 'verify' ? Type.Optional(Type.Object({}, { additionalProperties: false })) : Type.Object({ reason: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false }),
          response: { 200: CameraView, ...errorResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => {
        const body = (request.body ?? {}) as { reason?: string };
        const d = name === 'verify' ? { decision: 'verify' as const } : { decision: name, reason: body.reason! };
        return cameraView(await reviews.decide(request.params.id, d, actorOf(requirePrincipal(request), request.id)));
      },
    );
  decision('verify');
  decision('reject');
  decision('request-changes');

  app.post(
    '/cameras/import',
    {
      config: { access: { roles: ['admin'] } },
      bodyLimit: IMPORT_LIMIT_BYTES,
      schema: {
        tags: ['cameras'],
        summary: 'Import cameras from CSV (text/csv) or GeoJSON (application/geo+json)',
        description: 'Every row is checked and reported. A file with any bad row imports nothing unless partial=true; dryRun=true only checks. Rows are matched on external_ref, so importing again updates.',
        querystring: Type.Object(
          { agency: Type.Optional(Type.String({ maxLength: 200 })), dryRun: Type.Optional(Type.Boolean()), partial: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const type = String(request.headers['content-type'] ?? '');
      const format = type.startsWith('text/csv') ? 'csv' : type.startsWith('application/geo+json') ? 'geojson' : undefined;
      if (!format || typeof request.body !== 'string') throw invalid('send the file as text/csv or application/geo+json');
      const report = await importer.import(request.body, { format, agencyName: request.query.agency, dryRun: request.query.dryRun, partial: request.query.partial }, actorOf(requirePrincipal(request), request.id));
      return reply.status(report.imported || report.dryRun ? 200 : 422).send(report);
    },
  );

  app.get(
    '/cameras/export.geojson',
    { config: { access: program }, schema: { tags: ['cameras'], summary: 'All cameras as GeoJSON (RFC 7946), without owner details or stream secrets (audited)', querystring: Type.Object({ status: Type.Optional(CameraStatusSchema) }, { additionalProperties: false }) } },
    async (request, reply) => {
      const rows = await repo.listCameras(db, { status: request.query.status }, 2_000_000);
      await appendAuditAlone(db, { ...actorOf(requirePrincipal(request), request.id), action: 'camera.export', details: { count: rows.length, status: request.query.status ?? null } }, clock.now());
      reply.header('content-disposition', 'attachment; filename="cameras.geojson"');
      return reply.type('application/geo+json').send({
        type: 'FeatureCollection',
        features: rows.map((c) => {
          const { location, ...props } = cameraView(c);
          return { type: 'Feature', id: c.id, geometry: { type: 'Point', coordinates: [location.lng, location.lat] }, properties: { ...props, externalRef: c.externalRef } };
        }),
      });
    },
  );
};

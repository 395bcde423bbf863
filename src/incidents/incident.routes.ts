// Incident intake for CAD/911 feeds (API key or staff session) and the incident list and detail for the floor.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { invalid, notFound } from '../errors.js';
import { actorOf } from '../staff/staff.routes.js';
import * as repo from './incident.repository.js';
import { incidentView } from './incident.views.js';
import type { IncidentInput } from './incident.service.js';
import { PURPOSE_CODES, type PurposeCode } from '../db/schema.js';
import { requestsOfIncident } from '../requests/request.repository.js';
import { requestView } from '../requests/request.views.js';
import { decodeEido } from './decoders/eido.js';

const feed = { roles: ['operator', 'supervisor', 'admin'] as const, apiKey: true };
const floor = { roles: ['operator', 'supervisor', 'admin'] as const };

const Location = Type.Union([
  Type.Object(
    { lat: Type.Number({ minimum: -90, maximum: 90 }), lng: Type.Number({ minimum: -180, maximum: 180 }), accuracyM: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000, default: 0 })) },
    { additionalProperties: false, description: 'a point with its uncertainty radius in metres' },
  ),
  Type.Object({ address: Type.String({ minLength: 3, maxLength: 300 }) }, { additionalProperties: false, description: 'an address or block when no coordinates are known' }),
]);

const IncidentBody = Type.Object(
  {
    source: Type.String({ minLength: 1, maxLength: 60, pattern: '^[\\w.:-]+$', description: 'the feed, e.g. "cad"' }),
    externalId: Type.String({ minLength: 1, maxLength: 120, description: 'the number the feed gives it (CCN, CAD number); a repeat updates' }),
    type: Type.String({ minLength: 1, maxLength: 200, description: 'type or offense' }),
    priority: Type.Integer({ minimum: 1, maximum: 5, description: '1 (highest) … 5' }),
    occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
    occurredFrom: Type.Optional(Type.String({ format: 'date-time' })),
    occurredTo: Type.Optional(Type.String({ format: 'date-time' })),
    reportedAt: Type.Optional(Type.String({ format: 'date-time' })),
    location: Location,
    district: Type.Optional(Type.String({ maxLength: 40 })),
    ward: Type.Optional(Type.String({ maxLength: 40 })),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { maxProperties: 50 })),
  },
  { additionalProperties: false },
);

export { incidentView };

export const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { incidents, database } = app.ctx;
  const db = database.db;

  app.post(
    '/incidents',
    {
      config: { access: feed },
      schema: {
        tags: ['incidents'],
        summary: 'Report or update an incident (CAD/911 feed)',
        description:
          'Idempotent on (source, externalId): a repeat updates the incident, records what changed, and answers with the same id (200 instead of 201). The matcher lists the cameras that could have seen it.',
        body: IncidentBody,
        response: { ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const occurredFrom = b.occurredFrom ?? b.occurredAt;
      if (!occurredFrom) throw invalid('/body/occurredAt: give occurredAt, or occurredFrom (and occurredTo) for a time window', [{ pointer: '/body/occurredAt', message: 'required' }]);
      const loc = 'lat' in b.location ? { lat: b.location.lat, lng: b.location.lng, accuracyM: b.location.accuracyM ?? 0 } : null;
      const input: IncidentInput = {
        source: b.source,
        externalId: b.externalId,
        type: b.type,
        priority: b.priority,
        occurredFrom,
        occurredTo: b.occurredTo ?? null,
        reportedAt: b.reportedAt ?? null,
        location: loc,
        address: 'address' in b.location ? b.location.address : null,
        district: b.district ?? null,
        ward: b.ward ?? null,
        details: b.details ?? {},
      };
      const r = await incidents.ingest(input, actorOf(requirePrincipal(request), request.id));
      return reply.status(r.created ? 201 : 200).send({ id: r.incident.id, created: r.created, changed: r.changed, matchCount: r.matchCount, incident: incidentView(r.incident) });
    },
  );

  app.post(
    '/incidents/eido',
    {
      config: { access: feed },
      bodyLimit: 2 * 1024 * 1024,
      schema: {
        tags: ['incidents'],
        summary: 'Report or update an incident as a NENA EIDO JSON document',
        description: 'Maps what it can (id, type, priority, times, PIDF-LO location or civic address); `ignored` lists what was present and not used.',
        body: Type.Object({}, { additionalProperties: true, description: 'an EIDO document (NENA-STA-021)' }),
        response: { ...errorResponses(400, 401, 403, 413) },
      },
    },
    async (request, reply) => {
      const decoded = decodeEido(request.body, { now: app.ctx.clock.now() });
      if (!decoded.ok) throw invalid(`the EIDO document cannot be used: ${decoded.errors.join('; ')}`, decoded.errors.map((message) => ({ pointer: '/body', message })));
      const r = await incidents.ingest(decoded.incident, actorOf(requirePrincipal(request), request.id));
      return reply.status(r.created ? 201 : 200).send({ id: r.incident.id, created: r.created, changed: r.changed, matchCount: r.matchCount, ignored: decoded.ignored, incident: incidentView(r.incident) });
    },
  );

  app.get(
    '/incidents',
    {
      config: { access: floor },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
            since: Type.Optional(Type.String({ format: 'date-time' })),
            source: Type.Optional(Type.String({ maxLength: 60 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const q = request.query;
      const rows = await repo.listIncidents(db, { status: q.status, since: q.since ? new Date(q.since) : undefined, source: q.source }, q.limit ?? 200, q.offset ?? 0);
      return { incidents: rows.map(incidentView) };
    },
  );

  app.get(
    '/incidents/:id',
    { config: { access: floor }, schema: { tags: ['incidents'], summary: 'An incident with its ranked cameras and change history', params: IdParams } },
    async (request) => {
      const incident = await repo.findIncident(db, request.params.id);
      if (!incident) throw notFound('that incident');
      const [matches, changes, requests] = await Promise.all([repo.matchesOf(db, incident.id), repo.changesOf(db, incident.id), requestsOfIncident(db, incident.id)]);
      return {
        incident: incidentView(incident),
        matches: matches.map((m) => ({ cameraId: m.cameraId, rank: m.rank, distanceM: Math.round(m.distanceM * 10) / 10, facesArea: m.facesArea, score: m.score })),
        changes: changes.map((c) => ({ at: c.at.toISOString(), actorType: c.actorType, actorId: c.actorId, changes: c.changes })),
        requests: requests.map(requestView),
      };
    },
  );

  app.post(
    '/incidents/:id/requests',
    {
      config: { access: floor },
      schema: {
        tags: ['requests'],
        summary: 'Ask the owners of matched cameras for footage of this incident',
        description:
          'One request per owner, covering their cameras; an ask whose time window overlaps an open request to the same owner is folded into it. Owners over the weekly limit are skipped (said in the answer). Messages wait for the end of quiet hours in the owner’s time zone.',
        params: IdParams,
        body: Type.Object(
          {
            cameraIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 200, description: 'matched cameras to ask about; all when left out' })),
            purposeCode: Type.Union(PURPOSE_CODES.map((c) => Type.Literal(c)) as never, { description: `why: ${PURPOSE_CODES.join(', ')}` }),
            reason: Type.String({ minLength: 10, maxLength: 1000, description: 'what the owner reads: why the footage is needed' }),
          },
          { additionalProperties: false },
        ),
        response: { ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const b = request.body as { cameraIds?: string[]; purposeCode: PurposeCode; reason: string };
      const outcomes = await app.ctx.requests.request({ incidentId: request.params.id, cameraIds: b.cameraIds, purposeCode: b.purposeCode, reason: b.reason }, actorOf(requirePrincipal(request), request.id));
      return { outcomes };
    },
  );

  app.post(
    '/incidents/:id/close',
    { config: { access: floor }, schema: { tags: ['incidents'], summary: 'Close an incident', params: IdParams, response: { ...errorResponses(401, 403, 404, 409) } } },
    async (request) => incidentView(await incidents.close(request.params.id, actorOf(requirePrincipal(request), request.id))),
  );
};

// Incident intake for CAD/911 feeds (API key or staff session) and the incident list and detail for the floor.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { invalid } from '../errors.js';
import { actorOf } from '../staff/staff.routes.js';
import * as repo from './incident.repository.js';
import { incidentView } from './incident.views.js';
import type { IncidentInput } from './incident.service.js';
import { PURPOSE_CODES, type PurposeCode } from '../db/schema.js';
import { requestsOfIncident } from '../requests/request.repository.js';
import { requestView } from '../requests/request.views.js';
import { decodeEido } from './decoders/eido.js';
import { agencyLimit, visibleIncident } from './incident-access.js';

const feed = { roles: ['operator', 'supervisor', 'admin'] as const, apiKey: true };
const floor = { roles: ['operator', 'supervisor', 'admin'] as const };
/** Reading: floor staff, and partners for their own agency's incidents. */
const readers = { roles: ['operator', 'supervisor', 'admin', 'partner'] as const };

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
      config: { access: readers },
      schema: {
        tags: ['incidents'],
        summary: 'Incidents, newest first, filtered, with the total the filter selects',
        description:
          'Every filter narrows the list: type is a comma-separated list of types; from/to bound occurredFrom (ISO date-times, both included); q matches part of the external id, type or address in any case; bbox is west,south,east,north in degrees. Partners see only their own agency’s incidents.',
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
            type: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: 'e.g. "ROBBERY,BURGLARY"' })),
            maxPriority: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'priority 1 up to this' })),
            district: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            ward: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
            from: Type.Optional(Type.String({ format: 'date-time' })),
            to: Type.Optional(Type.String({ format: 'date-time' })),
            q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            bbox: Type.Optional(Type.String({ maxLength: 120, description: 'west,south,east,north' })),
            since: Type.Optional(Type.String({ format: 'date-time', description: 'same as from (kept for older clients)' })),
            source: Type.Optional(Type.String({ maxLength: 60 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
            offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
          },
          { additionalProperties: false },
        ),
        response: { ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from ? new Date(q.from) : undefined;
      const to = q.to ? new Date(q.to) : undefined;
      if (from && to && to < from) throw invalid('/querystring/to: the range ends before it starts', [{ pointer: '/querystring/to', message: 'before from' }]);
      const types = q.type?.split(',').map((t) => t.trim()).filter(Boolean);
      if (q.type !== undefined && !types?.length) throw invalid('/querystring/type: name at least one type', [{ pointer: '/querystring/type', message: 'empty' }]);
      const filter: repo.IncidentFilter = {
        status: q.status,
        types,
        maxPriority: q.maxPriority,
        district: q.district,
        ward: q.ward,
        from,
        to,
        since: q.since ? new Date(q.since) : undefined,
        source: q.source,
        text: q.q?.trim() || undefined,
        bbox: q.bbox !== undefined ? parseBbox(q.bbox) : undefined,
        agencyId: agencyLimit(requirePrincipal(request)),
      };
      const [rows, total] = await Promise.all([repo.listIncidents(db, filter, q.limit ?? 200, q.offset ?? 0), repo.countIncidents(db, filter)]);
      return { incidents: rows.map(incidentView), total };
    },
  );

  app.get(
    '/incidents/:id',
    {
      config: { access: readers },
      schema: { tags: ['incidents'], summary: 'An incident with its ranked cameras, change history and footage requests (partners: their own agency’s)', params: IdParams, response: { ...errorResponses(400, 401, 403, 404) } },
    },
    async (request) => {
      const incident = await visibleIncident(db, requirePrincipal(request), request.params.id);
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

/** "w,s,e,n" in degrees → a box; a 400 that says what is wrong otherwise. */
export function parseBbox(text: string): [number, number, number, number] {
  const parts = text.split(',').map((p) => p.trim());
  const nums = parts.map(Number);
  const bad = (message: string) => invalid(`/querystring/bbox: ${message}`, [{ pointer: '/querystring/bbox', message }]);
  if (parts.length !== 4 || parts.some((p) => p === '') || nums.some((n) => !Number.isFinite(n))) throw bad('give four numbers: west,south,east,north');
  const [w, s, e, n] = nums as [number, number, number, number];
  if (w < -180 || e > 180 || s < -90 || n > 90) throw bad('longitudes are -180..180 and latitudes -90..90');
  if (w > e) throw bad('west is east of east (a box across the antimeridian is not supported)');
  if (s > n) throw bad('south is north of north');
  return [w, s, e, n];
}

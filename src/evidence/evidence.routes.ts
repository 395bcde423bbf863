// Evidence for staff (play, download the original with its hash, custody) and the owner's decline.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import path from 'node:path';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { notFound } from '../errors.js';
import { actorOf } from '../staff/staff.routes.js';
import { evidenceOfRequest, findEvidence } from './evidence.repository.js';
import { evidenceView } from './evidence.views.js';

const floor = { roles: ['operator', 'supervisor', 'admin'] as const };
const Purpose = Type.Object({ purpose: Type.Optional(Type.String({ maxLength: 200, description: 'why (recorded in the custody chain)' })) }, { additionalProperties: false });

export { evidenceView };

export const evidenceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { evidence, database } = app.ctx;

  app.post(
    '/owner/requests/:id/decline',
    {
      config: { access: 'owner' },
      schema: {
        tags: ['owner'],
        summary: 'Decline a footage request (no consequence)',
        params: IdParams,
        body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
        response: { ...errorResponses(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const r = await evidence.decline(request.ownerId!, request.params.id, request.body.reason, request.id);
      return { id: r.id, status: r.status };
    },
  );

  app.get(
    '/owner/requests/:id/evidence',
    { config: { access: 'owner' }, schema: { tags: ['owner'], summary: 'What the owner has uploaded for a request, with its status', params: IdParams } },
    async (request) => {
      await evidence.openRequestOf(request.ownerId!, request.params.id).catch(() => undefined);
      const rows = (await evidenceOfRequest(database.db, request.params.id)).filter((e) => e.ownerId === request.ownerId);
      return { evidence: rows.map((e) => ({ id: e.id, originalName: e.originalName, sizeBytes: e.sizeBytes, sha256: e.sha256, status: e.status, failure: e.failure, coverageWarning: e.coverageWarning, receivedAt: e.receivedAt.toISOString() })) };
    },
  );

  app.get(
    '/requests/:id/evidence',
    { config: { access: floor }, schema: { tags: ['evidence'], summary: 'Evidence received for a footage request', params: IdParams } },
    async (request) => ({ evidence: (await evidenceOfRequest(database.db, request.params.id)).map(evidenceView) }),
  );

  app.get(
    '/evidence/:id',
    { config: { access: floor }, schema: { tags: ['evidence'], summary: 'An evidence file’s facts and its chain of custody', params: IdParams } },
    async (request) => {
      const e = await findEvidence(database.db, request.params.id);
      if (!e) throw notFound('that evidence');
      const custody = await evidence.custody(e.id);
      return { evidence: evidenceView(e), custody: custody.map((c) => ({ at: new Date(c.at).toISOString(), action: c.action, actorType: c.actorType, actorName: c.actorName, purpose: c.purpose, details: c.details, seq: Number(c.seq) })) };
    },
  );

  app.get(
    '/evidence/:id/play',
    { config: { access: floor }, schema: { tags: ['evidence'], summary: 'Stream the browser-playable copy (audited as viewed)', params: IdParams, querystring: Purpose } },
    async (request, reply) => {
      const { path: file } = await evidence.access(request.params.id, 'viewed', actorOf(requirePrincipal(request), request.id), request.query.purpose ?? null);
      return reply.type('video/mp4').sendFile(path.basename(file), path.dirname(file));
    },
  );

  app.get(
    '/evidence/:id/original',
    { config: { access: floor }, schema: { tags: ['evidence'], summary: 'Download the original, byte for byte, with its SHA-256 (audited as downloaded)', params: IdParams, querystring: Purpose } },
    async (request, reply) => {
      const { evidence: e, path: file } = await evidence.access(request.params.id, 'downloaded', actorOf(requirePrincipal(request), request.id), request.query.purpose ?? null);
      reply.header('x-content-sha256', e.sha256);
      reply.header('content-disposition', `attachment; filename="${e.originalName.replace(/[^\w.-]/g, '_')}"`);
      return reply.type('application/octet-stream').sendFile(path.basename(file), path.dirname(file));
    },
  );
};

// Evidence for staff (play, download the original with its hash, custody) and the owner's decline.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { notFound } from '../errors.js';
import { actorOf } from '../staff/staff.routes.js';
import { evidenceOfRequest, findEvidence } from './evidence.repository.js';
import { evidenceView } from './evidence.views.js';
import type { EvidenceStore } from './evidence-store.js';

const floor = { roles: ['operator', 'supervisor', 'admin'] as const };
const Purpose = Type.Object({ purpose: Type.Optional(Type.String({ maxLength: 200, description: 'why (recorded in the custody chain)' })) }, { additionalProperties: false });

export { evidenceView };

/**
 * The one byte range of a Range header (RFC 9110: "bytes=FIRST-LAST", "bytes=FIRST-" or "bytes=-SUFFIX"), clamped to
 * the object; 'unsatisfiable' when it starts past the end; undefined when there is none or it is not one plain range
 * (then the whole object is sent, as the RFC allows).
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 || size === 0 ? 'unsatisfiable' : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  return start >= size ? 'unsatisfiable' : { start, end };
}

/** Streams a stored object from either store, whole or the range a video player asks for. */
async function sendStored(store: EvidenceStore, key: string, request: FastifyRequest, reply: FastifyReply, type: string) {
  const stat = await store.stat(key);
  if (!stat) throw notFound('the stored file');
  const size = stat.sizeBytes;
  reply.type(type).header('accept-ranges', 'bytes').header('cache-control', 'private, no-store');
  const range = byteRange(request.headers.range, size);
  if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${size}`).send();
  if (range) {
    reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
    return reply.send(await store.read(key, range));
  }
  return reply.header('content-length', size).send(await store.read(key));
}

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
      const { key } = await evidence.access(request.params.id, 'viewed', actorOf(requirePrincipal(request), request.id), request.query.purpose ?? null);
      return sendStored(evidence.store, key, request, reply, 'video/mp4');
    },
  );

  app.get(
    '/evidence/:id/original',
    { config: { access: floor }, schema: { tags: ['evidence'], summary: 'Download the original, byte for byte, with its SHA-256 (audited as downloaded)', params: IdParams, querystring: Purpose } },
    async (request, reply) => {
      const { evidence: e, key } = await evidence.access(request.params.id, 'downloaded', actorOf(requirePrincipal(request), request.id), request.query.purpose ?? null);
      reply.header('x-content-sha256', e.sha256);
      reply.header('content-disposition', `attachment; filename="${e.originalName.replace(/[^\w.-]/g, '_')}"`);
      return sendStored(evidence.store, key, request, reply, 'application/octet-stream');
    },
  );
};

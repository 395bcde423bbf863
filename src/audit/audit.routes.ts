// The audit trail for auditors: page and filter, export, verify the chain. Reading it is itself audited.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses } from '../http/schemas.js';
import { appendAuditAlone, listAudit, walkAudit, type AuditRow } from './audit.repository.js';
import { verifyAuditChain } from './audit.verify.js';

const auditor = { roles: ['auditor'] as const };

const AuditEntry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  agencyId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.Union([Type.String(), Type.Null()]),
  incidentId: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  prevHash: Type.String(),
  hash: Type.String(),
});

export function auditEntryView(r: AuditRow) {
  return { ...r, seq: Number(r.seq), at: new Date(r.at).toISOString() };
}

const Filter = Type.Object(
  {
    actorId: Type.Optional(Type.String({ maxLength: 100 })),
    agencyId: Type.Optional(Type.String({ format: 'uuid' })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'exact action, or a family such as "auth.*"' })),
    targetType: Type.Optional(Type.String({ maxLength: 100 })),
    targetId: Type.Optional(Type.String({ maxLength: 100 })),
    incidentId: Type.Optional(Type.String({ maxLength: 100 })),
    outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('denied')])),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'page backwards: entries with seq below this' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { database, clock } = app.ctx;
  const db = database.db;

  app.get(
    '/',
    {
      config: { access: auditor },
      schema: {
        tags: ['audit'],
        summary: 'Page through the audit trail, newest first',
        querystring: Filter,
        response: { 200: Type.Object({ entries: Type.Array(AuditEntry), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }), ...errorResponses(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const limit = q.limit ?? 100;
      const rows = await listAudit(
        db,
        { ...q, from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined, beforeSeq: q.before },
        limit,
      );
      const entries = rows.map(auditEntryView);
      return { entries, nextBefore: rows.length === limit ? entries[entries.length - 1]!.seq : null };
    },
  );

  app.get(
    '/export',
    {
      config: { access: auditor },
      schema: {
        tags: ['audit'],
        summary: 'Export the whole chain as NDJSON, oldest first (one entry per line, with its hashes)',
        response: { 200: Type.String(), ...errorResponses(401, 403) },
      },
    },
    async (request, reply) => {
      const p = requirePrincipal(request);
      await appendAuditAlone(db, { actorType: 'staff', actorId: p.id, actorName: p.name, agencyId: p.agency.id, action: 'audit.export', requestId: request.id }, clock.now());
      const lines: string[] = [];
      for await (const row of walkAudit(db)) lines.push(JSON.stringify(auditEntryView(row)));
      reply.header('content-disposition', `attachment; filename="watchfloor-audit-${clock.now().toISOString().slice(0, 10)}.ndjson"`);
      return reply.type('application/x-ndjson').send(lines.join('\n') + '\n');
    },
  );

  app.get(
    '/verify',
    {
      config: { access: auditor },
      schema: {
        tags: ['audit'],
        summary: 'Walk the hash chain and report the first broken entry, if any',
        response: {
          200: Type.Object({
            ok: Type.Boolean(),
            entries: Type.Integer(),
            lastSeq: Type.Optional(Type.Integer()),
            lastHash: Type.Optional(Type.String()),
            brokenSeq: Type.Optional(Type.Integer()),
            reason: Type.Optional(Type.String()),
          }),
          ...errorResponses(401, 403),
        },
      },
    },
    async () => verifyAuditChain(db),
  );
};

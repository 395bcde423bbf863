// Message delivery as staff see it: failures are visible and can be retried once the cause is fixed.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requirePrincipal } from '../http/access.js';
import { errorResponses, IdParams } from '../http/schemas.js';
import { notFound } from '../errors.js';
import { appendAuditAlone } from '../audit/audit.repository.js';
import { actorOf } from '../staff/staff.routes.js';
import { listMessages, requeue, type OutboxMessage } from './outbox.repository.js';

const view = (m: OutboxMessage) => ({
  id: m.id,
  channel: m.channel,
  template: m.template,
  status: m.status,
  attempts: m.attempts,
  lastError: m.lastError,
  nextAttemptAt: m.nextAttemptAt.toISOString(),
  createdAt: m.createdAt.toISOString(),
  sentAt: m.sentAt?.toISOString() ?? null,
});

export const outboxRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { database, outbox, clock } = app.ctx;
  app.get(
    '/outbox',
    {
      config: { access: { roles: ['supervisor', 'admin'] } },
      schema: {
        tags: ['notifications'],
        summary: 'Outgoing messages and their delivery state (recipients not shown)',
        querystring: Type.Object(
          { status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('sending'), Type.Literal('sent'), Type.Literal('failed')])), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ({ messages: (await listMessages(database.db, { status: request.query.status }, request.query.limit ?? 100)).map(view) }),
  );

  app.post(
    '/outbox/:id/retry',
    { config: { access: { roles: ['supervisor', 'admin'] } }, schema: { tags: ['notifications'], summary: 'Send a failed message again', params: IdParams, response: { ...errorResponses(401, 403, 404) } } },
    async (request) => {
      const row = await requeue(database.db, request.params.id, clock.now());
      if (!row) throw notFound('a failed message with that id');
      await appendAuditAlone(database.db, { ...actorOf(requirePrincipal(request), request.id), action: 'outbox.retry', targetType: 'outbox', targetId: row.id }, clock.now());
      void outbox.runOnce();
      return view(row);
    },
  );
};

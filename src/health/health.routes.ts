// Liveness, readiness (the database answers) and Prometheus metrics.
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { sendProblem } from '../http/problems.js';

export async function healthRoutes(app: FastifyInstance): Promise<void> {
  const infra = { infrastructure: true };
  app.get('/healthz', { config: infra, schema: { tags: ['operations'], summary: 'Liveness: the process is up' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { config: infra, schema: { tags: ['operations'], summary: 'Readiness: the database answers' } }, async (request, reply) => {
    const started = performance.now();
    try {
      await app.ctx.database.db.execute(sql`select 1`);
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return sendProblem(reply, request, 'UNAVAILABLE', 'The database does not answer.');
    }
    return { status: 'ready', database: app.ctx.database.kind, databaseMs: Math.round((performance.now() - started) * 100) / 100 };
  });

  app.get('/metrics', { config: infra, schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true } }, async (_request, reply) => {
    reply.type(app.metrics.contentType);
    return app.metrics.exposition();
  });
}

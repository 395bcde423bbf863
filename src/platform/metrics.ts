// Prometheus metrics: the app's in a registry per app instance (so tests can build several apps in one process),
// Node's own (CPU, memory, garbage collection, event-loop lag) in one registry per process, served together.
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  /** The app's own metrics; routes register theirs here. */
  registry: Registry;
  /** The text /metrics serves: the process's metrics and the app's. */
  exposition(): Promise<string>;
  contentType: string;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  signIns: Counter<'outcome'>;
  intakePhase: Histogram<'phase'>;
}

let processRegistry: Registry | undefined;

/**
 * Node's metrics, collected once per process however many apps it builds. prom-client's collectors cannot be
 * stopped (a garbage-collection observer, an event-loop histogram): made per app, each closed app's registry stayed
 * reachable from them, with everything its gauges read (the event bus, the floor, the camera index).
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    processRegistry.setDefaultLabels({ app: 'watchfloor' });
    collectDefaultMetrics({ register: processRegistry, prefix: 'watchfloor_' });
  }
  return processRegistry;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'watchfloor' });
  const node = processMetrics();
  return {
    registry,
    // Each registry's text with its own default labels (Registry.merge would drop them); no name is in both.
    exposition: async () => `${await node.metrics()}${await registry.metrics()}`,
    contentType: registry.contentType,
    httpDuration: new Histogram({
      name: 'watchfloor_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    intakePhase: new Histogram({
      name: 'watchfloor_intake_phase_seconds',
      help: 'Where a new incident spent its intake: before (checks, matching, waiting for a connection), first (its first statement), plan (requests and messages planned), commit (last write, COMMIT, floor events).',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'watchfloor_sign_ins_total',
      help: 'Completed and failed staff sign-ins.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
  };
}

export function instrument(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    // The route template (not the raw URL) keeps label cardinality bounded.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}

// Services say what changed while their transaction runs (recordChange); once it has committed, the publisher turns
// those changes into floor events (contract A) and publishes them. Nothing is published for a transaction that
// rolls back, and a failure to publish never undoes a committed change. Events the bus refuses (NATS unreachable)
// wait in order in a bounded backlog and are retried with back-off, later events queueing behind them, so an
// outage delays the floor instead of leaving holes in it; only what overflows the backlog is lost (logged, counted).
import type { Db, Tx } from '../db/client.js';
import type { CameraStatus } from '../db/schema.js';
import type { Incident } from '../incidents/incident.repository.js';
import { incidentView } from '../incidents/incident.views.js';
import type { Evidence } from '../evidence/evidence.repository.js';
import { evidenceView } from '../evidence/evidence.views.js';
import { requestsWithIncidents, type RequestWithIncidents } from '../requests/request.repository.js';
import { requestView } from '../requests/request.views.js';
import type { EventBus, FloorEvent } from './event-bus.js';
import { withFields } from '../platform/objects.js';

export type FloorChange =
  | { kind: 'incident'; type: 'incident.created' | 'incident.updated' | 'incident.closed'; incident: Incident; matchCount: number }
  /**
   * A footage request changed in any way; its view (per incident it serves) is read after the commit, unless the
   * change gives it as committed (`committed`: a request created in the transaction, serving one incident).
   */
  | { kind: 'request'; requestId: string; committed?: RequestWithIncidents }
  | { kind: 'evidence'; type: 'evidence.received' | 'evidence.ready'; evidence: Evidence }
  | { kind: 'camera'; cameraId: string; status: CameraStatus }
  /** An event whose data is complete when recorded (alert.changed, incident.note). */
  | { kind: 'event'; event: FloorEvent };

const pendingByTx = new WeakMap<object, FloorChange[]>();

/**
 * Records a change made in this transaction, to be published after it commits. The transaction must have been
 * opened with FloorPublisher.transaction; anything else is a programming error and fails loudly (an event the
 * floor never sees is worse than a failing test).
 */
export function recordChange(tx: Tx, change: FloorChange): void {
  const pending = pendingByTx.get(tx);
  if (!pending) throw new Error(`a ${change.kind} change was recorded in a transaction not opened with FloorPublisher.transaction`);
  pending.push(change);
}

export interface PublishLog {
  error(obj: unknown, msg?: string): void;
  warn?(obj: unknown, msg?: string): void;
}

export interface PublisherOptions {
  /** Events kept for retry while the bus refuses them. */
  backlogMax?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export class FloorPublisher {
  /** Events lost: they could not be built, or overflowed the backlog (logged); the metrics report it. */
  failures = 0;
  readonly #backlog: FloorEvent[] = [];
  #retry: NodeJS.Timeout | undefined;
  #delay: number;
  readonly #opts: Required<PublisherOptions>;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly log: PublishLog,
    opts: PublisherOptions = {},
  ) {
    this.#opts = { backlogMax: 10_000, firstRetryMs: 500, maxRetryMs: 30_000, ...opts };
    this.#delay = this.#opts.firstRetryMs;
  }

  /** Events waiting for the bus to take them again. */
  get backlog(): number {
    return this.#backlog.length;
  }

  /**
   * Runs fn in a transaction; the changes it records are published once the transaction has committed, after
   * `committed` (which brings in-memory state such as the camera index in step first).
   */
  async transaction<T>(fn: (tx: Tx) => Promise<T>, committed?: (result: T) => void): Promise<T> {
    const changes: FloorChange[] = [];
    const result = await this.db.transaction(async (tx) => {
      pendingByTx.set(tx, changes);
      return fn(tx);
    });
    committed?.(result);
    await this.publish(changes);
    return result;
  }

  /** Publishes changes that have committed (in the order given). Never throws. */
  async publish(changes: readonly FloorChange[]): Promise<void> {
    if (changes.length === 0) return;
    let events: FloorEvent[];
    try {
      events = await this.toEvents(changes);
    } catch (err) {
      this.failures += changes.length;
      this.log.error({ err, changes: changes.length }, 'live floor events could not be built; the floor misses them until it reloads');
      return;
    }
    // Behind events still waiting: keep the order.
    if (this.#backlog.length) return this.enqueue(events);
    // Started in order: both buses number events in the order publish() is called.
    const results = await Promise.allSettled(events.map((e) => this.bus.publish(e)));
    const refused = events.filter((_, i) => results[i]!.status === 'rejected');
    if (refused.length) {
      const reason = (results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason;
      this.log.error({ err: reason, events: refused.length }, 'the event bus refused live floor events; retrying them');
      this.enqueue(refused);
    }
  }

  private enqueue(events: FloorEvent[]): void {
    this.#backlog.push(...events);
    const over = this.#backlog.length - this.#opts.backlogMax;
    if (over > 0) {
      this.#backlog.splice(0, over);
      this.failures += over;
      this.log.error({ dropped: over }, 'live floor backlog full: the oldest waiting events were dropped');
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.#retry) return;
    this.#retry = setTimeout(() => void this.drain(), this.#delay);
    this.#retry.unref();
  }

  private async drain(): Promise<void> {
    while (this.#backlog.length) {
      try {
        await this.bus.publish(this.#backlog[0]!);
      } catch {
        this.#retry = undefined;
        this.#delay = Math.min(this.#delay * 2, this.#opts.maxRetryMs);
        this.scheduleRetry();
        return;
      }
      this.#backlog.shift();
    }
    this.#retry = undefined;
    this.#delay = this.#opts.firstRetryMs;
    this.log.warn?.({}, 'live floor events flow again');
  }

  /** Stops retrying; what still waits is lost (logged). */
  stop(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    if (this.#backlog.length) {
      this.failures += this.#backlog.length;
      this.log.error({ dropped: this.#backlog.length }, 'stopping with live floor events never published');
      this.#backlog.length = 0;
    }
  }

  /** The events for a list of committed changes; request views and evidence incidents are read now. */
  async toEvents(changes: readonly FloorChange[]): Promise<FloorEvent[]> {
    const requestIds = new Set<string>();
    const given = new Map<string, RequestWithIncidents>();
    for (const c of changes) {
      if (c.kind === 'request') {
        if (c.committed) given.set(c.requestId, c.committed);
        else requestIds.add(c.requestId);
      }
      if (c.kind === 'evidence') requestIds.add(c.evidence.requestId);
    }
    // Requests only ever given as committed need no reading back.
    for (const id of requestIds) given.delete(id);
    const requests = new Map((await requestsWithIncidents(this.db, [...requestIds])).map((r) => [r.request.id, r]));
    for (const [id, r] of given) requests.set(id, r);
    const events: FloorEvent[] = [];
    const seenRequests = new Set<string>();
    for (const c of changes) {
      switch (c.kind) {
        case 'incident':
          events.push({
            type: c.type,
            agencyId: c.incident.agencyId,
            incidentId: c.incident.id,
            data: { incident: incidentView(withFields(c.incident, { matchCount: c.matchCount })), matchCount: c.matchCount },
          });
          break;
        case 'request': {
          // One event per request and commit, for each incident it serves, with that incident's cameras.
          if (seenRequests.has(c.requestId)) break;
          seenRequests.add(c.requestId);
          const found = requests.get(c.requestId);
          for (const inc of found?.incidents ?? []) {
            events.push({
              type: 'request.changed',
              agencyId: inc.agencyId,
              incidentId: inc.incidentId,
              data: { request: requestView(withFields(found!.request, { cameraIds: inc.cameraIds })) },
            });
          }
          break;
        }
        case 'evidence': {
          const incidents = requests.get(c.evidence.requestId)?.incidents ?? [];
          const agencies = new Set(incidents.map((i) => i.agencyId));
          events.push({
            type: c.type,
            // Partners see it only when every incident it serves is their agency's.
            agencyId: agencies.size === 1 ? [...agencies][0]! : null,
            incidentId: incidents.length === 1 ? incidents[0]!.incidentId : null,
            data: { evidence: evidenceView(c.evidence), incidentIds: incidents.map((i) => i.incidentId) },
          });
          break;
        }
        case 'camera':
          events.push({ type: 'camera.changed', agencyId: null, incidentId: null, data: { cameraId: c.cameraId, status: c.status } });
          break;
        case 'event':
          events.push(c.event);
          break;
      }
    }
    return events;
  }
}

// The floor's live events (F2): what changed on the floor, published after the change has committed, delivered
// to every server instance (in-process with one instance, NATS JetStream with several) and from there to the
// browsers over WebSocket. Each event carries a sequence number that is the same on every instance, so a browser
// that reconnects asks for what it missed and never sees an event twice.
import type { Role } from '../db/schema.js';
import { withFields } from '../platform/objects.js';

export const FLOOR_EVENT_TYPES = [
  'incident.created',
  'incident.updated',
  'incident.closed',
  'incident.note',
  'request.changed',
  'evidence.received',
  'evidence.ready',
  'alert.changed',
  'camera.changed',
] as const;
export type FloorEventType = (typeof FLOOR_EVENT_TYPES)[number];

/** What a service publishes. `data` is the same JSON view the REST API returns for that thing. */
export interface FloorEvent<T = Record<string, unknown>> {
  type: FloorEventType;
  /** The agency whose data this is (an incident's agency); null for the whole floor. */
  agencyId: string | null;
  /** The incident this concerns, when there is one (partners see only their agency's incidents). */
  incidentId?: string | null;
  data: T;
}

/** An event as delivered: numbered in publication order, the same number on every instance. */
export interface PublishedEvent<T = Record<string, unknown>> extends FloorEvent<T> {
  seq: number;
  /** ISO time of publication. */
  at: string;
}

export interface EventBus {
  /** Publishes after the change has committed; resolves once the event is numbered (and, with NATS, stored). */
  publish(event: FloorEvent): Promise<PublishedEvent>;
  /** Every event from now on, in sequence order, from this instance or any other. Returns an unsubscribe. */
  subscribe(handler: (event: PublishedEvent) => void): () => void;
  /**
   * The events after `seq`, oldest first; undefined when some of them are no longer kept, or when `seq` is one
   * this bus never gave (the caller then reloads its whole view instead of patching it).
   */
  since(seq: number): Promise<PublishedEvent[] | undefined>;
  /** The sequence number of the newest event this instance has seen (0 before any). */
  lastSeq(): number;
  close(): Promise<void>;
}

/** Who may see an event on the floor: the one rule the WebSocket and the REST lists share. */
export function canSeeEvent(viewer: { roles: readonly Role[]; agencyId: string }, event: Pick<FloorEvent, 'agencyId' | 'type'>): boolean {
  if (viewer.roles.some((r) => r === 'operator' || r === 'supervisor' || r === 'admin')) return true;
  // Partner agencies see their own agency's incidents and what hangs off them; nothing of the wider floor.
  if (viewer.roles.includes('partner')) return event.agencyId !== null && event.agencyId === viewer.agencyId && event.type !== 'camera.changed';
  return false;
}

/** One process, no broker: numbers events itself and keeps the last `keep` of them for reconnecting browsers. */
export class InProcessEventBus implements EventBus {
  #seq = 0;
  readonly #kept: PublishedEvent[] = [];
  readonly #handlers = new Set<(event: PublishedEvent) => void>();

  constructor(
    private readonly keep = 10_000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async publish(event: FloorEvent): Promise<PublishedEvent> {
    const published: PublishedEvent = withFields(event, { seq: ++this.#seq, at: this.now().toISOString() });
    this.#kept.push(published);
    if (this.#kept.length > this.keep) this.#kept.splice(0, this.#kept.length - this.keep);
    for (const handler of this.#handlers) handler(published);
    return published;
  }

  subscribe(handler: (event: PublishedEvent) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async since(seq: number): Promise<PublishedEvent[] | undefined> {
    // A number this bus never gave: the process restarted and numbers began again, so the browser must reload.
    if (seq > this.#seq) return undefined;
    if (seq === this.#seq) return [];
    const oldest = this.#kept[0]?.seq ?? this.#seq + 1;
    if (seq + 1 < oldest) return undefined;
    return this.#kept.filter((e) => e.seq > seq);
  }

  lastSeq(): number {
    return this.#seq;
  }

  async close(): Promise<void> {
    this.#handlers.clear();
  }
}

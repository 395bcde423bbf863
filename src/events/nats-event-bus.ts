// The floor's events across several instances: every instance publishes to one NATS JetStream stream and reads
// all of it back through an ordered consumer. The stream's sequence number is the event's `seq`, so it is the same
// on every instance and a browser may resume on any of them. Recent events are kept in memory for reconnecting
// browsers; an older resume point is read back from the stream, as long as the stream still holds it.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type StreamConfig,
} from '@nats-io/jetstream';
import { FLOOR_EVENT_TYPES, type EventBus, type FloorEvent, type FloorEventType, type PublishedEvent } from './event-bus.js';
import { withFields } from '../platform/objects.js';

export interface NatsEventBusOptions {
  /** nats://host:port (the client learns the other members of a cluster from the server). */
  url: string;
  /** JetStream stream name; one per deployment. */
  stream?: string;
  /** Subjects are `<prefix>.<event type>`; the stream takes `<prefix>.>`. */
  subjectPrefix?: string;
  /** The stream forgets events older than this… */
  maxAgeMs?: number;
  /** …and keeps at most this many. */
  maxEvents?: number;
  /** Events kept in this process for resumes without a round trip to NATS. */
  keep?: number;
  /** Shown in the NATS server's connection list. */
  name?: string;
  /** Where connection trouble is reported. */
  log?: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
  now?: () => Date;
}

export const DEFAULT_STREAM = 'WATCHFLOOR_FLOOR';
export const DEFAULT_SUBJECT_PREFIX = 'watchfloor.floor';
const DAY_MS = 86_400_000;
const KNOWN_TYPES = new Set<string>(FLOOR_EVENT_TYPES);

interface Payload {
  type: FloorEventType;
  agencyId: string | null;
  incidentId: string | null;
  data: Record<string, unknown>;
  at: string;
}

function decode(m: JsMsg): PublishedEvent | undefined {
  try {
    const p = m.json<Payload>();
    if (!KNOWN_TYPES.has(p.type) || typeof p.at !== 'string') return undefined;
    return { seq: m.seq, at: p.at, type: p.type, agencyId: p.agencyId ?? null, incidentId: p.incidentId ?? null, data: p.data ?? {} };
  } catch {
    return undefined;
  }
}

export class NatsEventBus implements EventBus {
  readonly #kept: PublishedEvent[] = [];
  readonly #handlers = new Set<(event: PublishedEvent) => void>();
  #last = 0;
  #messages: ConsumerMessages | undefined;
  #reading: Promise<void> | undefined;
  #closed = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly stream: string,
    private readonly prefix: string,
    private readonly keep: number,
    private readonly log: NatsEventBusOptions['log'],
    private readonly now: () => Date,
  ) {}

  /** Connects, creates or updates the stream, and starts reading it from its current end. */
  static async connect(opts: NatsEventBusOptions): Promise<NatsEventBus> {
    const url = new URL(opts.url);
    const nc = await connect({
      servers: `${url.hostname}:${url.port || 4222}`,
      ...(url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : {}),
      name: opts.name ?? 'watchfloor',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
    });
    try {
      const stream = opts.stream ?? DEFAULT_STREAM;
      const prefix = opts.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX;
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, {
        name: stream,
        subjects: [`${prefix}.>`],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        max_age: (opts.maxAgeMs ?? DAY_MS) * 1_000_000,
        max_msgs: opts.maxEvents ?? 100_000,
        num_replicas: 1,
      });
      const bus = new NatsEventBus(nc, jetstream(nc), jsm, stream, prefix, opts.keep ?? 10_000, opts.log, opts.now ?? (() => new Date()));
      await bus.start();
      return bus;
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  private async start(): Promise<void> {
    const info = await this.jsm.streams.info(this.stream);
    this.#last = info.state.last_seq;
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: this.#last + 1 });
    this.#messages = await consumer.consume();
    const messages = this.#messages;
    this.#reading = (async () => {
      for await (const m of messages) this.receive(m);
    })().catch((err) => {
      if (!this.#closed) this.log?.error({ err }, 'the live floor stopped reading events from NATS');
    });
  }

  private receive(m: JsMsg): void {
    if (m.seq <= this.#last) return; // already seen (the ordered consumer was recreated)
    const event = decode(m);
    this.#last = Math.max(this.#last, m.seq);
    if (!event) {
      this.log?.warn({ seq: m.seq, subject: m.subject }, 'an unreadable event on the floor stream was skipped');
      return;
    }
    this.#kept.push(event);
    if (this.#kept.length > this.keep) this.#kept.splice(0, this.#kept.length - this.keep);
    for (const handler of this.#handlers) handler(event);
  }

  async publish(event: FloorEvent): Promise<PublishedEvent> {
    const payload: Payload = { type: event.type, agencyId: event.agencyId, incidentId: event.incidentId ?? null, data: event.data, at: this.now().toISOString() };
    // A short timeout: while NATS is away the publisher keeps the event for a retry instead of holding a request.
    const ack = await this.js.publish(`${this.prefix}.${event.type}`, JSON.stringify(payload), { timeout: 2000 });
    return withFields(payload, { seq: ack.seq });
  }

  subscribe(handler: (event: PublishedEvent) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  async since(seq: number): Promise<PublishedEvent[] | undefined> {
    const oldest = this.#kept[0]?.seq ?? this.#last + 1;
    if (seq <= this.#last && seq + 1 >= oldest) return this.#kept.filter((e) => e.seq > seq);
    // Not in memory: older than the window, or newer than this instance has read so far. Ask the stream.
    const { first_seq: first, last_seq: last } = (await this.jsm.streams.info(this.stream)).state;
    if (seq > last) return undefined; // a number this stream never gave (it was recreated)
    if (seq === last) return [];
    if (seq + 1 < first) return undefined; // the stream no longer has them
    return this.read(seq + 1, last);
  }

  /** Reads the stream from `from` to `to` (inclusive) with a short-lived ordered consumer. */
  private async read(from: number, to: number): Promise<PublishedEvent[]> {
    const consumer = await this.js.consumers.get(this.stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    const out: PublishedEvent[] = [];
    let next = from;
    while (next <= to) {
      const batch = await consumer.fetch({ max_messages: Math.min(1000, to - next + 1), expires: 2000 });
      let got = 0;
      for await (const m of batch) {
        got++;
        next = m.seq + 1;
        const e = decode(m);
        if (e && e.seq <= to) out.push(e);
        if (m.seq >= to) break;
      }
      if (got === 0) break; // the stream has dropped what was left
    }
    return out;
  }

  lastSeq(): number {
    return this.#last;
  }

  /** The first and last sequence the stream holds now (tests, diagnostics). */
  async streamState(): Promise<{ first: number; last: number }> {
    const s = (await this.jsm.streams.info(this.stream)).state;
    return { first: s.first_seq, last: s.last_seq };
  }

  /** Removes the stream itself (tests that made their own). */
  async deleteStream(): Promise<void> {
    await this.jsm.streams.delete(this.stream);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#handlers.clear();
    this.#messages?.stop();
    await this.#reading;
    await this.nc.drain().catch(() => this.nc.close());
  }
}

/** Creates the stream, or brings an existing one's limits up to date (several instances may race here). */
async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  const exists = await jsm.streams.info(config.name).then(
    () => true,
    () => false,
  );
  if (!exists) {
    try {
      await jsm.streams.add(config);
      return;
    } catch (err) {
      // Another instance created it meanwhile (then bring its limits up to date), or something is really wrong.
      if (!(await jsm.streams.info(config.name).then(() => true, () => false))) throw err;
    }
  }
  // Only the limits: storage and replicas stay as an operator may have set them.
  const current = (await jsm.streams.info(config.name)).config;
  if (current.max_age !== config.max_age || current.max_msgs !== config.max_msgs || !current.subjects?.includes(config.subjects![0]!)) {
    await jsm.streams.update(config.name, { max_age: config.max_age, max_msgs: config.max_msgs, subjects: config.subjects });
  }
}

// GET /api/v1/live (contract B): the floor's events over WebSocket. The upgrade request passes the same access
// guard as every staff route (session cookie, second factor done, one of the floor roles), then an Origin check
// (a page of another site cannot open it with the staff member's cookie). Each connection is a stream from
// live-stream.ts; a hub checks all connections together at a fixed interval: sessions still valid (one query for
// all of them; else close 4401) and peers still answering pings (else dropped). A client that reads too slowly is
// closed with 1013 and resumes with after=.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import websocket from '@fastify/websocket';
import { Type } from 'typebox';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import { Counter, Gauge, type Registry } from 'prom-client';
import { AppError } from '../errors.js';
import { requirePrincipal } from '../http/access.js';
import type { AuthService } from '../auth/auth.service.js';
import type { EventBus, FloorEvent, PublishedEvent } from './event-bus.js';
import { openStream, type ServerFrame, type Viewer } from './live-stream.js';

export const LIVE_ROLES = ['operator', 'supervisor', 'admin', 'partner'] as const;

/** Close codes the browser acts on. */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_SLOW = 1013;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_INTERNAL = 1011;

interface Connection {
  socket: WebSocket;
  tokenHash: string;
  alive: boolean;
  closing: boolean;
  stop?: () => void;
}

/**
 * Relays the bus to this instance's connections just after the current work, in order: a publishing request (a
 * CAD feed's POST) finishes writing its response first, instead of waiting for hundreds of socket writes, and the
 * events still go out in the same turn of the event loop, ahead of any queued I/O.
 * since() and lastSeq() pass through; a stream skips anything it has already handled, so the delay cannot cause
 * a gap or a duplicate.
 */
export class DeferredFanout implements EventBus {
  #queue: PublishedEvent[] = [];
  #scheduled = false;
  readonly #handlers = new Set<(event: PublishedEvent) => void>();
  readonly #unsubscribe: () => void;

  constructor(
    private readonly bus: EventBus,
    /** Wraps each delivery round (the hub corks every socket around it: one write per socket per round). */
    private readonly round: (deliver: () => void) => void = (deliver) => deliver(),
  ) {
    this.#unsubscribe = bus.subscribe((e) => {
      this.#queue.push(e);
      if (!this.#scheduled) {
        this.#scheduled = true;
        process.nextTick(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    this.round(() => {
      for (const e of queue) for (const handler of this.#handlers) handler(e);
    });
  }

  publish(event: FloorEvent): Promise<PublishedEvent> {
    return this.bus.publish(event);
  }

  subscribe(handler: (event: PublishedEvent) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  since(seq: number): Promise<PublishedEvent[] | undefined> {
    return this.bus.since(seq);
  }

  lastSeq(): number {
    return this.bus.lastSeq();
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    this.#handlers.clear();
  }
}

/** Each event's frame as UTF-8 bytes, encoded once however many connections it goes to. */
const frameBytes = new WeakMap<PublishedEvent, Buffer>();

interface HubOptions {
  bus: EventBus;
  /** The publisher's backlog and losses, for the metrics. */
  floor?: { readonly backlog: number; readonly failures: number };
  auth: Pick<AuthService, 'stillValid'>;
  log: { warn(obj: unknown, msg?: string): void; error(obj: unknown, msg?: string): void };
  checkMs: number;
  maxBufferedBytes: number;
  registry: Registry;
}

/** Every open live connection of this instance, and the periodic checks over them. */
export class LiveHub {
  readonly #connections = new Set<Connection>();
  readonly #timer: NodeJS.Timeout;
  #checking = false;
  readonly #clients: Gauge;
  readonly #sent: Counter;
  readonly #closed: Counter<'reason'>;
  readonly #fanout: DeferredFanout;

  constructor(private readonly opts: HubOptions) {
    // The events of one commit (an incident, its requests, its alert) leave in one write per socket.
    this.#fanout = new DeferredFanout(opts.bus, (deliver) => {
      const corked = [...this.#connections].map((c) => (c.socket as unknown as { _socket?: Socket })._socket).filter((s) => s !== undefined);
      for (const s of corked) s.cork();
      try {
        deliver();
      } finally {
        for (const s of corked) s.uncork();
      }
    });
    this.#clients = new Gauge({ name: 'watchfloor_live_clients', help: 'Open live-floor WebSocket connections on this instance.', registers: [opts.registry] });
    this.#sent = new Counter({ name: 'watchfloor_live_events_sent_total', help: 'Floor events sent to live WebSocket clients.', registers: [opts.registry] });
    this.#closed = new Counter({
      name: 'watchfloor_live_closed_total',
      help: 'Live connections closed by the server, by reason (session ended, too slow, no answer to pings, error).',
      labelNames: ['reason'],
      registers: [opts.registry],
    });
    const bus = opts.bus;
    new Gauge({ name: 'watchfloor_live_last_seq', help: 'Sequence number of the newest floor event this instance has seen.', registers: [opts.registry], collect() { this.set(bus.lastSeq()); } });
    const floor = opts.floor;
    if (floor) {
      new Gauge({ name: 'watchfloor_live_publish_backlog', help: 'Floor events waiting for the event bus (NATS unreachable) to take them.', registers: [opts.registry], collect() { this.set(floor.backlog); } });
      new Gauge({ name: 'watchfloor_live_events_lost', help: 'Floor events never published since start (could not be built, or overflowed the backlog).', registers: [opts.registry], collect() { this.set(floor.failures); } });
    }
    this.#timer = setInterval(() => void this.check(), opts.checkMs);
    this.#timer.unref();
  }

  get size(): number {
    return this.#connections.size;
  }

  async accept(socket: WebSocket, viewer: Viewer, tokenHash: string, after: number | undefined): Promise<void> {
    const conn: Connection = { socket, tokenHash, alive: true, closing: false };
    this.#connections.add(conn);
    this.#clients.inc();
    socket.on('close', () => {
      this.#connections.delete(conn);
      this.#clients.dec();
      conn.stop?.();
    });
    socket.on('pong', () => {
      conn.alive = true;
    });
    socket.on('message', (data, isBinary) => {
      conn.alive = true;
      if (isBinary) return;
      let msg: unknown;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return;
      }
      if ((msg as { kind?: unknown } | null)?.kind === 'ping') this.send(conn, JSON.stringify({ kind: 'pong' } satisfies ServerFrame));
    });
    try {
      const stop = await openStream(this.#fanout, viewer, after, (text, event) => {
        if (!event) return this.send(conn, text);
        let bytes = frameBytes.get(event);
        if (!bytes) frameBytes.set(event, (bytes = Buffer.from(text)));
        this.send(conn, bytes);
        this.#sent.inc();
      });
      if (this.#connections.has(conn)) conn.stop = stop;
      else stop();
    } catch (err) {
      this.opts.log.error({ err }, 'a live connection could not be started');
      this.close(conn, CLOSE_INTERNAL, 'The live feed is unavailable; retry shortly.', 'error');
    }
  }

  private send(conn: Connection, data: string | Buffer): void {
    if (conn.closing || conn.socket.readyState !== conn.socket.OPEN) return;
    conn.socket.send(data, { binary: false });
    if (conn.socket.bufferedAmount > this.opts.maxBufferedBytes) {
      this.close(conn, CLOSE_TOO_SLOW, 'Too far behind; reconnect with after=<last seq>.', 'slow');
    }
  }

  private close(conn: Connection, code: number, reason: string, why: string): void {
    if (conn.closing) return;
    conn.closing = true;
    conn.stop?.();
    this.#closed.inc({ reason: why });
    conn.socket.close(code, reason);
    // A peer that does not answer the close handshake (or is buried under unsent data) is cut off.
    setTimeout(() => conn.socket.terminate(), 5000).unref();
  }

  /** Pings every connection (dropping those that did not answer the last ping) and re-checks every session. */
  async check(): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      for (const conn of this.#connections) {
        if (conn.closing) continue;
        if (!conn.alive) {
          this.#closed.inc({ reason: 'dead' });
          conn.closing = true;
          conn.socket.terminate();
          continue;
        }
        conn.alive = false;
        conn.socket.ping();
      }
      const hashes = [...new Set([...this.#connections].filter((c) => !c.closing).map((c) => c.tokenHash))];
      if (hashes.length === 0) return;
      const valid = await this.opts.auth.stillValid(hashes);
      for (const conn of this.#connections) {
        if (!conn.closing && !valid.has(conn.tokenHash)) this.close(conn, CLOSE_SESSION_ENDED, 'The session has ended; sign in again.', 'session');
      }
    } catch (err) {
      this.opts.log.warn({ err }, 'live connections could not be checked');
    } finally {
      this.#checking = false;
    }
  }

  closeAll(): void {
    clearInterval(this.#timer);
    void this.#fanout.close();
    for (const conn of this.#connections) this.close(conn, CLOSE_GOING_AWAY, 'The server is stopping; reconnect shortly.', 'shutdown');
  }
}

/** The origins a browser page of this server has: the public URL's and the one it was reached at. */
function sameOrigin(request: FastifyRequest, publicUrl: string): boolean {
  const origin = request.headers.origin;
  if (!origin) return false;
  if (origin === new URL(publicUrl).origin) return true;
  return origin === `${request.protocol}://${request.host}`;
}

export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { config, events, auth, log, floor } = app.ctx;
  const hub = new LiveHub({
    bus: events,
    floor,
    auth,
    log,
    checkMs: config.liveCheckSeconds * 1000,
    maxBufferedBytes: config.liveMaxBufferKb * 1024,
    registry: app.metrics.registry,
  });
  // Inside this plugin only: the websocket plugin wraps the handlers of the routes registered after it.
  await app.register(websocket, {
    options: { maxPayload: 4096 },
    preClose(done) {
      hub.closeAll();
      this.websocketServer.close();
      done();
    },
  });

  app.get(
    '/live',
    {
      websocket: true,
      config: { access: { roles: LIVE_ROLES } },
      schema: {
        tags: ['live'],
        summary: 'The floor’s live events (WebSocket)',
        querystring: Type.Object(
          { after: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'the last seq this client has; the events after it are sent first' })) },
          { additionalProperties: false },
        ),
      },
      preHandler: async (request) => {
        if (!sameOrigin(request, config.publicUrl)) {
          throw new AppError('FORBIDDEN', `The live feed opens only from this server's pages (Origin ${request.headers.origin ?? 'missing'}).`);
        }
      },
    },
    async (socket, request) => {
      const principal = requirePrincipal(request);
      const viewer: Viewer = { roles: principal.roles, agencyId: principal.agency.id };
      await hub.accept(socket, viewer, principal.session!.tokenHash, (request.query as { after?: number }).after);
    },
  );
};

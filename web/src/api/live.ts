// The floor's live connection (contract B): a WebSocket to GET /api/v1/live that resumes where it left off.
//
// The server greets with {"kind":"hello","seq"}, then sends {"kind":"event","seq",…} in sequence order. After a
// drop the client reconnects with ?after=<the last seq it applied>, so it is sent exactly what it missed; when the
// server no longer keeps that far back it answers {"kind":"reset","seq"} and the client reloads its lists. An event
// at or below the last applied seq is a duplicate and is dropped. Reconnects back off exponentially, with jitter.
//
// Self-contained (no imports, no DOM globals): the socket and the timers are handed in, so the same code runs
// in the page and in the unit tests.

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface LiveEvent {
  seq: number;
  at: string;
  type: string;
  agencyId: string | null;
  incidentId: string | null;
  data: Record<string, unknown>;
}

/** What the client needs of a WebSocket (the browser's fits). */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export interface LiveClientOptions {
  /** The socket URL; `after` is the last applied sequence number (undefined on the very first connection). */
  url(after: number | undefined): string;
  open(url: string): SocketLike;
  /** A new event, in order, never twice. */
  onEvent(event: LiveEvent): void;
  /** Reload every list: the server cannot say what was missed (a reset, or its numbering started over). */
  onResync(): void;
  onStatus(status: LiveStatus): void;
  /** Close code 4401: the session ended. No reconnect. */
  onSessionEnded?(): void;
  /** First retry after baseMs, doubling up to maxMs; each delay is scaled by 0.5–1 (jitter). */
  backoff?: { baseMs: number; maxMs: number };
  /** After this many failed attempts in a row the status says offline (retries go on). */
  offlineAfter?: number;
  /** A ping this often; no frame at all within pongTimeoutMs after it and the socket is taken for dead. */
  pingEveryMs?: number;
  pongTimeoutMs?: number;
  random?(): number;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(handle: unknown): void;
}

/** The server closes with 4401 when the session ends, 1013 when this client reads too slowly. */
export const CLOSE_SESSION_ENDED = 4401;
export const CLOSE_TOO_SLOW = 1013;
/** The client's own close of a socket it takes for dead (no answer to a ping). */
export const CLOSE_NO_PONG = 4000;

type Frame = { kind: 'hello' | 'reset' | 'pong'; seq?: number } | ({ kind: 'event' } & LiveEvent);

function parseFrame(data: unknown): Frame | undefined {
  if (typeof data !== 'string') return undefined;
  try {
    const frame = JSON.parse(data) as unknown;
    if (typeof frame !== 'object' || frame === null || !('kind' in frame)) return undefined;
    const f = frame as Record<string, unknown>;
    if ((f.kind === 'hello' || f.kind === 'reset' || f.kind === 'event') && !Number.isSafeInteger(f.seq)) return undefined;
    if (f.kind === 'event' && typeof f.type !== 'string') return undefined;
    return f as unknown as Frame;
  } catch {
    return undefined;
  }
}

export class LiveClient {
  #seq: number | undefined;
  #socket: SocketLike | undefined;
  /** Failed attempts since the last greeting. */
  #failures = 0;
  #retry: unknown;
  #ping: unknown;
  #pongDeadline: unknown;
  #stopped = true;
  #status: LiveStatus | undefined;
  readonly #o: Required<Omit<LiveClientOptions, 'onSessionEnded'>> & Pick<LiveClientOptions, 'onSessionEnded'>;

  constructor(options: LiveClientOptions) {
    this.#o = {
      backoff: { baseMs: 500, maxMs: 30_000 },
      offlineAfter: 4,
      pingEveryMs: 25_000,
      pongTimeoutMs: 10_000,
      random: Math.random,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
  }

  /** The last sequence number applied (undefined before the first greeting). */
  get lastSeq(): number | undefined {
    return this.#seq;
  }

  get status(): LiveStatus | undefined {
    return this.#status;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#setStatus('connecting');
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    this.#clear('retry');
    this.#stopPing();
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'page closed');
  }

  /** Retry at once instead of waiting out the back-off (the browser says it is online again). */
  reconnectNow(): void {
    if (this.#stopped || this.#retry === undefined) return;
    this.#clear('retry');
    this.#connect();
  }

  /** The delay before retry number `failures` (1-based). */
  delayFor(failures: number): number {
    const { baseMs, maxMs } = this.#o.backoff;
    const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
    return Math.round(full * (0.5 + 0.5 * this.#o.random()));
  }

  #setStatus(status: LiveStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#o.onStatus(status);
  }

  #clear(which: 'retry' | 'ping' | 'pong'): void {
    const key = which === 'retry' ? this.#retry : which === 'ping' ? this.#ping : this.#pongDeadline;
    if (key !== undefined) this.#o.clearTimer(key);
    if (which === 'retry') this.#retry = undefined;
    else if (which === 'ping') this.#ping = undefined;
    else this.#pongDeadline = undefined;
  }

  #connect(): void {
    let socket: SocketLike;
    try {
      socket = this.#o.open(this.#o.url(this.#seq));
    } catch {
      this.#scheduleRetry(false);
      return;
    }
    this.#socket = socket;
    let greeted = false;
    socket.onmessage = (message) => {
      if (socket !== this.#socket) return;
      this.#clear('pong');
      const frame = parseFrame(message.data);
      if (!frame) return;
      if (frame.kind === 'hello') {
        greeted = true;
        this.#failures = 0;
        this.#setStatus('live');
        this.#startPing(socket);
        const serverSeq = frame.seq!;
        // First greeting, or the server's numbering went back (it restarted without a shared bus): nothing the
        // client holds can be resumed from, so everything is reloaded from here.
        if (this.#seq === undefined || serverSeq < this.#seq) {
          this.#seq = serverSeq;
          this.#o.onResync();
        }
      } else if (frame.kind === 'reset') {
        this.#seq = frame.seq!;
        this.#o.onResync();
      } else if (frame.kind === 'event') {
        if (this.#seq !== undefined && frame.seq <= this.#seq) return;
        this.#seq = frame.seq;
        const { kind: _kind, ...event } = frame;
        this.#o.onEvent({ ...event, agencyId: event.agencyId ?? null, incidentId: event.incidentId ?? null, data: event.data ?? {} });
      }
    };
    socket.onerror = () => undefined; // a close follows
    socket.onclose = (event) => {
      if (socket !== this.#socket) return;
      this.#socket = undefined;
      this.#stopPing();
      if (this.#stopped) return;
      if (event.code === CLOSE_SESSION_ENDED) {
        this.#stopped = true;
        this.#setStatus('offline');
        this.#o.onSessionEnded?.();
        return;
      }
      this.#scheduleRetry(greeted && event.code === CLOSE_TOO_SLOW);
    };
  }

  #scheduleRetry(soon: boolean): void {
    this.#failures += 1;
    this.#setStatus(this.#failures >= this.#o.offlineAfter ? 'offline' : 'reconnecting');
    // A reader that fell behind was healthy a moment ago: back at once (with a little jitter), from where it was.
    const delay = soon ? Math.round(100 * (0.5 + 0.5 * this.#o.random())) : this.delayFor(this.#failures);
    this.#retry = this.#o.setTimer(() => {
      this.#retry = undefined;
      if (!this.#stopped) this.#connect();
    }, delay);
  }

  #startPing(socket: SocketLike): void {
    this.#stopPing();
    const tick = () => {
      if (socket !== this.#socket) return;
      try {
        socket.send(JSON.stringify({ kind: 'ping' }));
      } catch {
        return;
      }
      this.#pongDeadline = this.#o.setTimer(() => {
        this.#pongDeadline = undefined;
        // Silent for too long: closed from this side; the close handler reconnects.
        if (socket === this.#socket) {
          socket.close(CLOSE_NO_PONG, 'no answer to ping');
          socket.onclose?.({ code: CLOSE_NO_PONG });
        }
      }, this.#o.pongTimeoutMs);
      this.#ping = this.#o.setTimer(tick, this.#o.pingEveryMs);
    };
    this.#ping = this.#o.setTimer(tick, this.#o.pingEveryMs);
  }

  #stopPing(): void {
    this.#clear('ping');
    this.#clear('pong');
  }
}

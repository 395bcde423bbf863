// A real WebSocket client for GET /api/v1/live: collects frames, waits for the ones a test expects.
import WebSocket from 'ws';

export interface LiveFrame {
  kind: 'hello' | 'reset' | 'pong' | 'event';
  seq?: number;
  at?: string;
  type?: string;
  agencyId?: string | null;
  incidentId?: string | null;
  data?: Record<string, unknown> & { incident?: Record<string, unknown>; request?: Record<string, unknown>; evidence?: Record<string, unknown> };
}

export interface LiveClient {
  ws: WebSocket;
  frames: LiveFrame[];
  events(): LiveFrame[];
  /** Waits until a frame matching `pred` has arrived (searching those already here first). */
  waitFor(pred: (f: LiveFrame) => boolean, timeoutMs?: number): Promise<LiveFrame>;
  /** Waits until at least n event frames have arrived. */
  waitForEvents(n: number, timeoutMs?: number): Promise<LiveFrame[]>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export type Refusal = { refused: number; body: string };

/** Opens a live connection (resolving once hello has arrived) or reports the HTTP status that refused it. */
export function openLive(base: string, opts: { cookie?: string; after?: number; origin?: string | null; query?: string } = {}): Promise<LiveClient | Refusal> {
  const url = `${base.replace(/^http/, 'ws')}/api/v1/live${opts.query ?? (opts.after !== undefined ? `?after=${opts.after}` : '')}`;
  const headers: Record<string, string> = {};
  if (opts.cookie) headers.cookie = opts.cookie;
  const origin = opts.origin === undefined ? base : opts.origin;
  const ws = new WebSocket(url, { headers, ...(origin ? { origin } : {}) });
  const frames: LiveFrame[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()) as LiveFrame);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const waitFor = (pred: (f: LiveFrame) => boolean, timeoutMs = 15_000) =>
    new Promise<LiveFrame>((resolve, reject) => {
      const check = () => {
        const hit = frames.find(pred);
        if (hit) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(frames.map((f) => [f.kind, f.seq, f.type]))}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const events = () => frames.filter((f) => f.kind === 'event');
  const client: LiveClient = {
    ws,
    frames,
    events,
    waitFor,
    async waitForEvents(n, timeoutMs = 15_000) {
      await waitFor(() => events().length >= n, timeoutMs);
      return events();
    },
    closed,
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    ws.on('error', (err) => {
      if (!settled) reject(err);
    });
    ws.once('unexpected-response', (_req, res) => {
      settled = true;
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ refused: res.statusCode ?? 0, body }));
    });
    ws.once('open', () => {
      settled = true;
      waitFor((f) => f.kind === 'hello').then(() => resolve(client), reject);
    });
  });
}

export function isClient(c: LiveClient | Refusal): c is LiveClient {
  return 'ws' in c;
}

export async function mustOpen(base: string, opts: Parameters<typeof openLive>[1]): Promise<LiveClient> {
  const c = await openLive(base, opts);
  if (!isClient(c)) throw new Error(`live connection refused with ${c.refused}: ${c.body}`);
  return c;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

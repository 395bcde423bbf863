// The floor's live client (web/src/api/live.ts) against scripted sockets: resume after a drop with after=<last
// seq>, nothing twice, nothing missed, a reset or a restarted server reloads the lists, back-off with jitter, the
// session's end stops it, a slow reader comes straight back, and a silent socket is taken for dead.
import { describe, expect, it } from 'vitest';
import { LiveClient, type LiveEvent, type LiveStatus, type SocketLike } from '../web/src/api/live.js';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  sent: string[] = [];
  closedWith: number | undefined;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(data);
  }
  close(code = 1000) {
    this.closedWith = code;
  }
  frame(f: object) {
    this.onmessage?.({ data: JSON.stringify(f) });
  }
  event(seq: number, type = 'incident.created') {
    this.frame({ kind: 'event', seq, at: new Date(0).toISOString(), type, agencyId: null, incidentId: `i${seq}`, data: { n: seq } });
  }
  drop(code = 1006) {
    this.onclose?.({ code });
  }
}

/** Timers run only when the test says so, in due order. */
class FakeTimers {
  now = 0;
  #next = 1;
  queue = new Map<number, { at: number; fn: () => void }>();
  set = (fn: () => void, ms: number) => {
    const id = this.#next++;
    this.queue.set(id, { at: this.now + ms, fn });
    return id;
  };
  clear = (id: unknown) => void this.queue.delete(id as number);
  /** Advance the clock, running what falls due. */
  advance(ms: number) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.queue.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.queue.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = until;
  }
  delays() {
    return [...this.queue.values()].map((t) => t.at - this.now);
  }
}

function setup(random = () => 1) {
  const sockets: FakeSocket[] = [];
  const events: LiveEvent[] = [];
  const statuses: LiveStatus[] = [];
  let resyncs = 0;
  let ended = 0;
  const timers = new FakeTimers();
  const client = new LiveClient({
    url: (after) => `/api/v1/live${after === undefined ? '' : `?after=${after}`}`,
    open: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    onEvent: (e) => events.push(e),
    onResync: () => resyncs++,
    onStatus: (s) => statuses.push(s),
    onSessionEnded: () => ended++,
    backoff: { baseMs: 500, maxMs: 8_000 },
    offlineAfter: 3,
    pingEveryMs: 25_000,
    pongTimeoutMs: 10_000,
    random,
    setTimer: timers.set,
    clearTimer: timers.clear,
  });
  const last = () => sockets.at(-1)!;
  return { client, sockets, events, statuses, timers, last, resyncs: () => resyncs, ended: () => ended };
}

describe('live client', () => {
  it('greets, applies events in order, drops duplicates, and resumes after a drop from the last seq', () => {
    const t = setup();
    t.client.start();
    expect(t.last().url).toBe('/api/v1/live');
    expect(t.statuses).toEqual(['connecting']);
    t.last().frame({ kind: 'hello', seq: 40 });
    expect(t.statuses).toEqual(['connecting', 'live']);
    expect(t.resyncs()).toBe(1); // the first greeting: the lists load from here
    t.last().event(41);
    t.last().event(42);
    t.last().event(42); // a duplicate
    t.last().event(40); // older than what was applied
    expect(t.events.map((e) => e.seq)).toEqual([41, 42]);
    expect(t.events[0]).toMatchObject({ type: 'incident.created', incidentId: 'i41', data: { n: 41 } });

    t.last().drop();
    expect(t.statuses.at(-1)).toBe('reconnecting');
    t.timers.advance(500);
    expect(t.sockets).toHaveLength(2);
    expect(t.last().url).toBe('/api/v1/live?after=42');
    // The server replays what was missed after 42; the overlap it might send again is dropped.
    t.last().frame({ kind: 'hello', seq: 45 });
    t.last().event(42);
    t.last().event(43);
    t.last().event(44);
    t.last().event(45);
    expect(t.events.map((e) => e.seq)).toEqual([41, 42, 43, 44, 45]);
    expect(t.resyncs()).toBe(1); // resumed, not reloaded
    expect(t.statuses.at(-1)).toBe('live');
  });

  it('reloads on a reset and takes the events that follow it', () => {
    const t = setup();
    t.client.start();
    t.last().frame({ kind: 'hello', seq: 5 });
    t.last().event(6);
    t.last().drop();
    t.timers.advance(1000);
    expect(t.last().url).toBe('/api/v1/live?after=6');
    t.last().frame({ kind: 'hello', seq: 20_000 });
    t.last().frame({ kind: 'reset', seq: 20_000 });
    expect(t.resyncs()).toBe(2);
    t.last().event(20_001);
    expect(t.events.map((e) => e.seq)).toEqual([6, 20_001]);
    expect(t.client.lastSeq).toBe(20_001);
  });

  it('reloads when the server numbers from lower than the client got to (a restart), and keeps its events', () => {
    const t = setup();
    t.client.start();
    t.last().frame({ kind: 'hello', seq: 0 });
    for (let s = 1; s <= 9; s++) t.last().event(s);
    t.last().drop();
    t.timers.advance(1000);
    expect(t.last().url).toBe('/api/v1/live?after=9');
    t.last().frame({ kind: 'hello', seq: 2 });
    expect(t.resyncs()).toBe(2);
    t.last().event(3); // new after the restart: not a duplicate of the old 3
    expect(t.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 3]);
  });

  it('backs off exponentially with jitter, says offline after some failures, and resets the back-off once greeted', () => {
    const t = setup(() => 0); // the lower end of the jitter: half of each full delay
    t.client.start();
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      t.last().drop();
      delays.push(t.timers.delays()[0]!);
      t.timers.advance(delays.at(-1)!);
    }
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 4000]);
    expect(t.statuses).toEqual(['connecting', 'reconnecting', 'offline']);
    t.last().frame({ kind: 'hello', seq: 1 });
    expect(t.statuses.at(-1)).toBe('live');
    t.last().drop();
    expect(t.timers.delays()).toEqual([250]);
    expect(t.statuses.at(-1)).toBe('reconnecting');

    const full = setup(() => 1);
    expect([1, 2, 3, 4, 5, 6].map((n) => full.client.delayFor(n))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('retries at once when told the network is back', () => {
    const t = setup();
    t.client.start();
    t.last().drop();
    expect(t.sockets).toHaveLength(1);
    t.client.reconnectNow();
    expect(t.sockets).toHaveLength(2);
    expect(t.timers.queue.size).toBe(0);
  });

  it('stops for good when the session ends (4401)', () => {
    const t = setup();
    t.client.start();
    t.last().frame({ kind: 'hello', seq: 1 });
    t.last().drop(4401);
    expect(t.ended()).toBe(1);
    expect(t.statuses.at(-1)).toBe('offline');
    t.timers.advance(60_000);
    expect(t.sockets).toHaveLength(1);
  });

  it('comes straight back, from where it was, after being closed as a slow reader (1013)', () => {
    const t = setup();
    t.client.start();
    t.last().frame({ kind: 'hello', seq: 1 });
    t.last().event(2);
    t.last().drop(1013);
    expect(t.timers.delays()[0]).toBeLessThanOrEqual(100);
    t.timers.advance(100);
    expect(t.last().url).toBe('/api/v1/live?after=2');
  });

  it('pings, and takes a socket that stays silent for dead', () => {
    const t = setup();
    t.client.start();
    t.last().frame({ kind: 'hello', seq: 1 });
    t.timers.advance(25_000);
    expect(t.last().sent).toEqual(['{"kind":"ping"}']);
    t.last().frame({ kind: 'pong' });
    t.timers.advance(10_000);
    expect(t.sockets).toHaveLength(1);
    t.timers.advance(15_000); // the next ping, unanswered
    t.timers.advance(10_000);
    expect(t.sockets[0]!.closedWith).toBe(4000);
    expect(t.statuses.at(-1)).toBe('reconnecting');
    t.timers.advance(500);
    expect(t.sockets).toHaveLength(2);
    expect(t.last().url).toBe('/api/v1/live?after=1');
  });

  it('ignores frames that are not JSON objects of a known kind, and stops cleanly', () => {
    const t = setup();
    t.client.start();
    t.last().onmessage?.({ data: 'not json' });
    t.last().onmessage?.({ data: '42' });
    t.last().frame({ kind: 'event', seq: 'x', type: 'incident.created' });
    t.last().frame({ kind: 'hello', seq: 3 });
    t.last().frame({ kind: 'event', seq: 4 }); // no type
    expect(t.events).toEqual([]);
    t.client.stop();
    expect(t.sockets[0]!.closedWith).toBe(1000);
    t.last().drop(1000);
    t.timers.advance(60_000);
    expect(t.sockets).toHaveLength(1);
  });
});

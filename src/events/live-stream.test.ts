import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InProcessEventBus, type EventBus, type FloorEvent, type PublishedEvent } from './event-bus.js';
import { eventFrame, openStream, type ServerFrame, type Viewer } from './live-stream.js';
import { DeferredFanout } from './live.routes.js';

const nextTurn = () => new Promise((r) => setImmediate(r));

const operator: Viewer = { roles: ['operator'], agencyId: 'hq' };
const ev = (n: number, agencyId: string | null = 'a1'): FloorEvent => ({ type: 'incident.updated', agencyId, incidentId: `i${n}`, data: { n } });

/** A bus whose since() lets the test publish while the replay is being read, as a slow NATS read would. */
class SlowSinceBus implements EventBus {
  constructor(
    readonly inner: InProcessEventBus,
    private readonly duringSince: () => Promise<void>,
  ) {}
  publish(e: FloorEvent) {
    return this.inner.publish(e);
  }
  subscribe(h: (e: PublishedEvent) => void) {
    return this.inner.subscribe(h);
  }
  async since(seq: number) {
    const before = await this.inner.since(seq);
    await this.duringSince();
    return before;
  }
  lastSeq() {
    return this.inner.lastSeq();
  }
  close() {
    return this.inner.close();
  }
}

function collect() {
  const frames: ServerFrame[] = [];
  return { frames, send: (text: string) => frames.push(JSON.parse(text) as ServerFrame), seqs: () => frames.filter((f) => f.kind === 'event').map((f) => (f as { seq: number }).seq) };
}

describe('a live stream', () => {
  it('starts with hello at the newest number, then sends live events in order', async () => {
    const bus = new InProcessEventBus();
    await bus.publish(ev(1));
    await bus.publish(ev(2));
    const c = collect();
    const stop = await openStream(bus, operator, undefined, c.send);
    expect(c.frames).toEqual([{ kind: 'hello', seq: 2 }]);
    await bus.publish(ev(3));
    await bus.publish(ev(4));
    expect(c.seqs()).toEqual([3, 4]);
    expect(c.frames[1]).toEqual({ kind: 'event', seq: 3, at: expect.any(String), type: 'incident.updated', agencyId: 'a1', incidentId: 'i3', data: { n: 3 } });
    stop();
    await bus.publish(ev(5));
    expect(c.seqs()).toEqual([3, 4]);
  });

  it('resumes after a number with exactly the events missed, then live ones, none twice', async () => {
    const bus = new InProcessEventBus();
    for (let i = 1; i <= 5; i++) await bus.publish(ev(i));
    const c = collect();
    await openStream(bus, operator, 2, c.send);
    expect(c.frames[0]).toEqual({ kind: 'hello', seq: 5 });
    expect(c.seqs()).toEqual([3, 4, 5]);
    await bus.publish(ev(6));
    expect(c.seqs()).toEqual([3, 4, 5, 6]);
  });

  it('neither loses nor repeats events published while the replay is read', async () => {
    const inner = new InProcessEventBus();
    for (let i = 1; i <= 3; i++) await inner.publish(ev(i));
    const bus = new SlowSinceBus(inner, async () => {
      await inner.publish(ev(4));
      await inner.publish(ev(5));
    });
    const c = collect();
    await openStream(bus, operator, 1, c.send);
    await inner.publish(ev(6));
    expect(c.seqs()).toEqual([2, 3, 4, 5, 6]);
  });

  it('holds for any interleaving of publications before, during and after the replay', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 }), async (before, afterRaw, during, later) => {
        const inner = new InProcessEventBus(1000);
        for (let i = 1; i <= before; i++) await inner.publish(ev(i));
        const after = Math.min(afterRaw, before);
        const bus = new SlowSinceBus(inner, async () => {
          for (let i = 0; i < during; i++) await inner.publish(ev(100 + i));
        });
        const c = collect();
        await openStream(bus, operator, after, c.send);
        for (let i = 0; i < later; i++) await inner.publish(ev(200 + i));
        const expected = Array.from({ length: inner.lastSeq() - after }, (_, i) => after + 1 + i);
        expect(c.seqs()).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps those guarantees when delivery waits for the publisher to finish, as the WebSocket hub does', async () => {
    const inner = new InProcessEventBus(1000);
    const fanout = new DeferredFanout(inner);
    const c = collect();
    await openStream(fanout, operator, undefined, c.send);
    await inner.publish(ev(1));
    expect(c.seqs()).toEqual([]); // the publisher is not held up by the sockets
    await nextTurn();
    expect(c.seqs()).toEqual([1]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 5 }), async (flushed, waiting, back, later) => {
        for (let i = 0; i < flushed; i++) await inner.publish(ev(i));
        await nextTurn();
        for (let i = 0; i < waiting; i++) await inner.publish(ev(50 + i)); // still in the fan-out's queue
        const after = Math.max(0, inner.lastSeq() - back);
        const s = collect();
        await openStream(fanout, operator, after, s.send);
        for (let i = 0; i < later; i++) await inner.publish(ev(100 + i));
        await nextTurn();
        expect(s.seqs()).toEqual(Array.from({ length: inner.lastSeq() - after }, (_, i) => after + 1 + i));
      }),
      { numRuns: 100 },
    );
  });

  it('says reset, with the newest number, when the resume point is no longer kept or was never given', async () => {
    const bus = new InProcessEventBus(2);
    for (let i = 1; i <= 5; i++) await bus.publish(ev(i));
    const old = collect();
    await openStream(bus, operator, 1, old.send);
    expect(old.frames).toEqual([{ kind: 'hello', seq: 5 }, { kind: 'reset', seq: 5 }]);
    await bus.publish(ev(6));
    expect(old.seqs()).toEqual([6]);
    const future = collect();
    await openStream(bus, operator, 40, future.send); // a browser from before a restart
    expect(future.frames).toEqual([{ kind: 'hello', seq: 6 }, { kind: 'reset', seq: 6 }]);
  });

  it("sends a partner only their agency's events, and keeps counting past the others", async () => {
    const bus = new InProcessEventBus();
    const c = collect();
    await openStream(bus, { roles: ['partner'], agencyId: 'a1' }, undefined, c.send);
    await bus.publish(ev(1, 'a1'));
    await bus.publish(ev(2, 'a2'));
    await bus.publish({ type: 'camera.changed', agencyId: null, data: { cameraId: 'c', status: 'verified' } });
    await bus.publish(ev(4, 'a1'));
    expect(c.seqs()).toEqual([1, 4]);
    const resumed = collect();
    await openStream(bus, { roles: ['partner'], agencyId: 'a1' }, 1, resumed.send);
    expect(resumed.seqs()).toEqual([4]);
  });

  it('builds one frame text per event, whoever receives it', async () => {
    const bus = new InProcessEventBus();
    const e = await bus.publish(ev(1));
    expect(eventFrame(e)).toBe(eventFrame(e));
    expect(JSON.parse(eventFrame(e))).toMatchObject({ kind: 'event', seq: 1, incidentId: 'i1' });
  });

  it('rejects, and leaves nothing subscribed, when the replay cannot be read', async () => {
    const inner = new InProcessEventBus();
    await inner.publish(ev(1));
    await inner.publish(ev(2));
    const broken = new SlowSinceBus(inner, async () => {
      throw new Error('NATS is down');
    });
    const c = collect();
    await expect(openStream(broken, operator, 1, c.send)).rejects.toThrow('NATS is down');
    await inner.publish(ev(3));
    expect(c.seqs()).toEqual([]);
  });
});

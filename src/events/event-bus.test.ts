import { describe, expect, it } from 'vitest';
import { canSeeEvent, InProcessEventBus, type FloorEvent, type PublishedEvent } from './event-bus.js';

const incident = (n: number, agencyId: string | null = 'a1'): FloorEvent => ({ type: 'incident.created', agencyId, incidentId: `i${n}`, data: { n } });

describe('InProcessEventBus', () => {
  it('numbers events from 1 in publication order, stamps the time, and hands them to every subscriber in order', async () => {
    let t = Date.parse('2026-03-01T10:00:00Z');
    const bus = new InProcessEventBus(100, () => new Date((t += 1000)));
    const a: number[] = [];
    const b: PublishedEvent[] = [];
    bus.subscribe((e) => a.push(e.seq));
    const stopB = bus.subscribe((e) => b.push(e));
    expect(bus.lastSeq()).toBe(0);
    const first = await bus.publish(incident(1));
    expect(first).toMatchObject({ seq: 1, at: '2026-03-01T10:00:01.000Z', type: 'incident.created', incidentId: 'i1', data: { n: 1 } });
    stopB();
    await bus.publish(incident(2));
    await bus.publish(incident(3));
    expect(a).toEqual([1, 2, 3]);
    expect(b.map((e) => e.seq)).toEqual([1]);
    expect(bus.lastSeq()).toBe(3);
  });

  it('answers since(seq) with the events after it, [] at the head, undefined when they are no longer kept', async () => {
    const bus = new InProcessEventBus(3);
    expect(await bus.since(0)).toEqual([]);
    for (let i = 1; i <= 5; i++) await bus.publish(incident(i));
    expect(await bus.since(5)).toEqual([]);
    expect((await bus.since(3))!.map((e) => e.seq)).toEqual([4, 5]);
    expect((await bus.since(2))!.map((e) => e.seq)).toEqual([3, 4, 5]); // the oldest kept is 3
    expect(await bus.since(1)).toBeUndefined(); // 2 is gone
    expect(await bus.since(0)).toBeUndefined();
  });

  it('answers a number it never gave (a browser from before a restart) with undefined', async () => {
    const bus = new InProcessEventBus();
    await bus.publish(incident(1));
    expect(await bus.since(7)).toBeUndefined();
  });

  it('stops delivering after close', async () => {
    const bus = new InProcessEventBus();
    const got: number[] = [];
    bus.subscribe((e) => got.push(e.seq));
    await bus.close();
    await bus.publish(incident(1));
    expect(got).toEqual([]);
  });
});

describe('canSeeEvent', () => {
  const ev = (type: FloorEvent['type'], agencyId: string | null) => ({ type, agencyId });
  it('lets floor staff see everything', () => {
    for (const role of ['operator', 'supervisor', 'admin'] as const) {
      expect(canSeeEvent({ roles: [role], agencyId: 'x' }, ev('incident.created', 'a1'))).toBe(true);
      expect(canSeeEvent({ roles: [role], agencyId: 'x' }, ev('camera.changed', null))).toBe(true);
    }
  });
  it("shows a partner only their own agency's events, never the wider floor or the camera map", () => {
    const partner = { roles: ['partner'] as const, agencyId: 'a1' };
    expect(canSeeEvent(partner, ev('incident.created', 'a1'))).toBe(true);
    expect(canSeeEvent(partner, ev('request.changed', 'a1'))).toBe(true);
    expect(canSeeEvent(partner, ev('incident.created', 'a2'))).toBe(false);
    expect(canSeeEvent(partner, ev('evidence.ready', null))).toBe(false);
    expect(canSeeEvent(partner, ev('camera.changed', 'a1'))).toBe(false);
  });
  it('shows an auditor nothing', () => {
    expect(canSeeEvent({ roles: ['auditor'], agencyId: 'a1' }, ev('incident.created', 'a1'))).toBe(false);
  });
});

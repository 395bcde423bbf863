import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../db/client.js';
import { InProcessEventBus, type FloorEvent, type PublishedEvent } from './event-bus.js';
import { FloorPublisher, recordChange, type FloorChange } from './floor-publisher.js';

/** An in-process bus that refuses publications while `down` is true, as NATS does when it cannot be reached. */
class FlakyBus extends InProcessEventBus {
  down = false;
  override async publish(event: FloorEvent): Promise<PublishedEvent> {
    if (this.down) throw new Error('TIMEOUT');
    return super.publish(event);
  }
}

const camera = (n: number): FloorChange => ({ kind: 'camera', cameraId: `c${n}`, status: 'verified' });
const log = () => ({ error: vi.fn(), warn: vi.fn() });
// Camera changes need no database: the publisher reads only for requests and evidence.
const noDb = {} as Db;

describe('FloorPublisher', () => {
  it('publishes committed changes as events, in order', async () => {
    const bus = new FlakyBus();
    const got: PublishedEvent[] = [];
    bus.subscribe((e) => got.push(e));
    const publisher = new FloorPublisher(noDb, bus, log());
    await publisher.publish([camera(1), camera(2)]);
    expect(got.map((e) => [e.seq, e.type, e.data.cameraId])).toEqual([
      [1, 'camera.changed', 'c1'],
      [2, 'camera.changed', 'c2'],
    ]);
  });

  it('keeps what the bus refuses and publishes it, still in order, once the bus is back; nothing is lost', async () => {
    const bus = new FlakyBus();
    const got: string[] = [];
    bus.subscribe((e) => got.push(e.data.cameraId as string));
    const l = log();
    const publisher = new FloorPublisher(noDb, bus, l, { firstRetryMs: 5, maxRetryMs: 20 });
    await publisher.publish([camera(1)]);
    bus.down = true;
    await publisher.publish([camera(2), camera(3)]);
    expect(publisher.backlog).toBe(2);
    expect(l.error).toHaveBeenCalledTimes(1);
    bus.down = false;
    await publisher.publish([camera(4)]); // the bus is back, but 2 and 3 still wait: 4 goes behind them
    expect(got).toEqual(['c1']);
    await vi.waitFor(() => expect(publisher.backlog).toBe(0), { timeout: 15_000, interval: 50 });
    expect(got).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(publisher.failures).toBe(0);
  });

  it('retries with back-off while the bus stays away, and drops only what overflows the backlog', async () => {
    const bus = new FlakyBus();
    const got: string[] = [];
    bus.subscribe((e) => got.push(e.data.cameraId as string));
    const l = log();
    const publisher = new FloorPublisher(noDb, bus, l, { backlogMax: 3, firstRetryMs: 5, maxRetryMs: 10 });
    bus.down = true;
    for (let i = 1; i <= 5; i++) await publisher.publish([camera(i)]);
    expect(publisher.backlog).toBe(3);
    expect(publisher.failures).toBe(2);
    await new Promise((r) => setTimeout(r, 40)); // several retries fail meanwhile
    bus.down = false;
    await vi.waitFor(() => expect(got).toEqual(['c3', 'c4', 'c5']), { timeout: 15_000, interval: 50 });
    publisher.stop();
  });

  it('runs a transaction and publishes what it recorded only after it commits; a rollback publishes nothing', async () => {
    const bus = new FlakyBus();
    const got: string[] = [];
    bus.subscribe((e) => got.push(e.data.cameraId as string));
    const tx = {};
    const fakeDb = { transaction: async (fn: (t: unknown) => Promise<unknown>) => fn(tx) } as unknown as Db;
    const publisher = new FloorPublisher(fakeDb, bus, log());
    const order: string[] = [];
    await publisher.transaction(
      async (t) => {
        recordChange(t, camera(1));
        expect(got).toEqual([]); // not before the commit
        return 'done';
      },
      () => order.push('committed'),
    );
    expect(got).toEqual(['c1']);
    expect(order).toEqual(['committed']);
    await expect(
      publisher.transaction(async (t) => {
        recordChange(t, camera(2));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(got).toEqual(['c1']);
  });

  it('refuses a change recorded in a transaction it did not open', () => {
    expect(() => recordChange({} as never, camera(1))).toThrow(/not opened with FloorPublisher.transaction/);
  });
});

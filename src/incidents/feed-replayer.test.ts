import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FeedReplayer } from './feed-replayer.js';
import type { IncidentInput } from './decoders/types.js';

const recorded = (externalId: string, at: string): IncidentInput => ({
  source: 'dc-crime',
  externalId,
  type: 'THEFT/OTHER',
  priority: 4,
  occurredFrom: at,
  occurredTo: null,
  reportedAt: null,
  location: { lat: 38.9, lng: -77.03, accuracyM: 100 },
  address: null,
  details: {},
});

// Recorded a minute apart, listed out of order: the replay sorts them.
const FILE = [recorded('B', '2024-02-19T03:01:00Z'), recorded('A', '2024-02-19T03:00:00Z'), recorded('C', '2024-02-19T03:02:00Z')];

describe('FeedReplayer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-27T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('hands each incident over when its turn comes, the recorded spacing divided by the speed, moved to now', async () => {
    const got: [number, IncidentInput][] = [];
    const replayer = new FeedReplayer(FILE, async (i) => void got.push([Date.now(), i]), { speed: 60, leadMs: 5 * 60_000 });
    const start = Date.now();
    replayer.start();
    expect(got.map(([, i]) => i.externalId)).toEqual(['A']);
    await vi.advanceTimersByTimeAsync(999);
    expect(got).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(got.map(([, i]) => i.externalId)).toEqual(['A', 'B']);
    await vi.advanceTimersByTimeAsync(1000);
    await replayer.finished;
    expect(got.map(([t, i]) => [t - start, i.externalId])).toEqual([
      [0, 'A'],
      [1000, 'B'],
      [2000, 'C'],
    ]);
    // The first happened five minutes before the replay started; the rest keep their (sped-up) spacing.
    expect(got.map(([, i]) => i.occurredFrom)).toEqual(['2026-11-27T11:55:00.000Z', '2026-11-27T11:55:01.000Z', '2026-11-27T11:55:02.000Z']);
    expect(got[0]![1].details).toMatchObject({ replayedFrom: '2024-02-19T03:00:00Z' });
    expect(replayer.played).toBe(3);
  });

  it('plays the file again when looping, as new incidents, until stopped', async () => {
    const got: string[] = [];
    const replayer = new FeedReplayer(FILE, async (i) => void got.push(i.externalId), { speed: 60, loop: true });
    replayer.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(got).toEqual(['A', 'B', 'C']);
    // One average gap (1 s) after the last, the second round.
    await vi.advanceTimersByTimeAsync(1000);
    expect(got.slice(3)).toEqual(['A-R2']);
    expect(replayer.round).toBe(2);
    await vi.advanceTimersByTimeAsync(2000);
    expect(got.slice(3)).toEqual(['A-R2', 'B-R2', 'C-R2']);
    replayer.stop();
    await replayer.finished;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(got).toHaveLength(6);
  });

  it('goes on past an incident the sink refuses, reporting it', async () => {
    const refused: string[] = [];
    const got: string[] = [];
    const replayer = new FeedReplayer(
      FILE,
      async (i) => {
        if (i.externalId === 'B') throw new Error('400: bad');
        got.push(i.externalId);
      },
      { speed: 60, onError: (i, err) => refused.push(`${i.externalId}: ${(err as Error).message}`) },
    );
    replayer.start();
    await vi.advanceTimersByTimeAsync(5000);
    await replayer.finished;
    expect(got).toEqual(['A', 'C']);
    expect(refused).toEqual(['B: 400: bad']);
  });

  it('does not hold the pace back for a slow sink', async () => {
    const started: number[] = [];
    const replayer = new FeedReplayer(FILE, (i) => {
      started.push(Date.now());
      return new Promise((resolve) => setTimeout(resolve, i.externalId === 'A' ? 10_000 : 0));
    }, { speed: 60 });
    const t0 = Date.now();
    replayer.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect(started.map((t) => t - t0)).toEqual([0, 1000, 2000]);
    let done = false;
    void replayer.finished.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(1000);
    expect(done).toBe(false); // A is still with the sink
    await vi.advanceTimersByTimeAsync(8000);
    expect(done).toBe(true);
  });

  it('refuses a speed that is not a positive number', () => {
    for (const speed of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new FeedReplayer(FILE, async () => {}, { speed })).toThrow(/speed/);
  });
});

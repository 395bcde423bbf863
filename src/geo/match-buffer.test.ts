import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MatchBuffer } from './match-buffer.js';
import { compareByUsefulness } from './ranking.js';

interface Entry {
  readonly camera: { readonly id: string };
  readonly distanceM: number;
  readonly score: number;
}

function ranked(entries: readonly Entry[], limit: number): string[] {
  const buffer = new MatchBuffer();
  entries.forEach((e, code) => buffer.push(code, e.distanceM, true, 0, e.score));
  const k = buffer.rank(limit, (code) => entries[code]!.camera.id);
  return Array.from(buffer.order.subarray(0, k), (i) => entries[buffer.code[i]!]!.camera.id);
}

const expected = (entries: readonly Entry[], limit: number) => [...entries].sort(compareByUsefulness).slice(0, limit).map((e) => e.camera.id);

describe('MatchBuffer.rank', () => {
  // Scores from a few values (ties on score, then distance, broken by id), from a wide continuous range, and
  // scores one ulp apart (same bucket, different scores).
  const score = fc.oneof(
    fc.constantFrom(0.1, 0.5, 0.5000000000000001, 1, 1.15),
    fc.double({ min: 0.01, max: 1.15, noNaN: true }),
    fc.integer({ min: 0, max: 3 }).map((k) => 0.3 + k * Number.EPSILON),
  );
  const entries = fc
    .array(fc.record({ score, distanceM: fc.constantFrom(0, 10, 10.000000000000002, 30, 250) }), { maxLength: 400 })
    .map((raw) => raw.map((e, i) => ({ ...e, camera: { id: `c${(i * 7919) % 1000}-${i}` } })));

  it('gives exactly the order of sort(compareByUsefulness), with and without a limit', () => {
    fc.assert(
      fc.property(entries, fc.option(fc.integer({ min: 0, max: 450 })), (es, limit) => {
        const k = limit ?? es.length;
        expect(ranked(es, k)).toEqual(expected(es, k));
      }),
      { numRuns: 500 },
    );
  });

  it('handles a crowd of equal scores (one bucket) and reuse after growing', () => {
    const buffer = new MatchBuffer();
    for (let round = 0; round < 2; round++) {
      const es = Array.from({ length: 1_000 }, (_, i) => ({ camera: { id: `k${(i * 389) % 1000}` }, distanceM: i % 3, score: i % 100 === 0 ? 0.9 : 0.4 }));
      es.forEach((e, code) => buffer.push(code, e.distanceM, false, 0, e.score));
      const k = buffer.rank(1_000, (code) => es[code]!.camera.id);
      expect(Array.from(buffer.order.subarray(0, k), (i) => es[buffer.code[i]!]!.camera.id)).toEqual(expected(es, 1_000));
      buffer.length = 0;
    }
  });

  it('keeps only what passes retain, in order', () => {
    const buffer = new MatchBuffer();
    [10, 11, 12, 13].forEach((code, i) => buffer.push(code, i, i % 2 === 0, i, 1 - i / 10));
    buffer.retain((code) => code !== 11);
    expect(buffer.length).toBe(3);
    expect(Array.from({ length: 3 }, (_, i) => [buffer.code[i], buffer.distanceM[i], buffer.facesArea[i], buffer.score[i]])).toEqual([
      [10, 0, 1, 1],
      [12, 2, 1, 0.8],
      [13, 3, 0, 0.7],
    ]);
  });
});

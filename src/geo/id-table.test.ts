import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdTable, hashString } from './id-table.js';

describe('IdTable', () => {
  // A degenerate hash that homes every key in the last few buckets of the 16-bucket table (the low 24 bits, scaled
  // to the table, pick the home) forces long probe chains that wrap around the end, where backward-shift deletion is
  // easiest to get wrong.
  const crowdedHash = (k: string) => (12 + k.length) * 2 ** 20;

  it.each([
    ['real hash', undefined],
    ['crowded hash', crowdedHash],
  ])('agrees with a Map under random sets and deletes (%s)', (_name, hash) => {
    const key = fc.stringMatching(/^[ab]{1,4}$/);
    const op = fc.oneof(fc.record({ kind: fc.constant('set' as const), key }), fc.record({ kind: fc.constant('delete' as const), key }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        // Codes index `keys`; the table reads keys back through keyOf, as the camera index does.
        const keys: string[] = [];
        const sut = new IdTable((code) => keys[code]!, 0, hash);
        const reference = new Map<string, number>();
        for (const o of ops) {
          if (o.kind === 'set') {
            keys.push(o.key);
            const code = keys.length - 1;
            expect(sut.set(o.key, code)).toBe(reference.get(o.key));
            reference.set(o.key, code);
          } else {
            expect(sut.delete(o.key)).toBe(reference.get(o.key));
            reference.delete(o.key);
          }
          expect(sut.size).toBe(reference.size);
        }
        for (const k of ['a', 'b', 'aa', 'ab', 'ba', 'bb', 'aaa', 'bbbb', 'abab']) expect(sut.get(k)).toBe(reference.get(k));
      }),
      { numRuns: 500 },
    );
  });

  it('grows past its initial capacity and keeps 4 bytes a bucket at load ≤ ¾', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `cam-${i}`);
    const sut = new IdTable((code) => keys[code]!);
    keys.forEach((k, i) => sut.set(k, i));
    expect(sut.size).toBe(10_000);
    expect(sut.get('cam-9999')).toBe(9_999);
    expect(sut.get('cam-10000')).toBeUndefined();
    // Load between ¾ and about half that: it doubled each time it filled.
    const load = 10_000 / (sut.byteLength / 4);
    expect(load).toBeLessThanOrEqual(0.75);
    expect(load).toBeGreaterThan(0.75 / 2.1);
  });

  it('takes just enough buckets for a known size, and grows when it fills', () => {
    const keys = Array.from({ length: 1_000 }, (_, i) => `cam-${i}`);
    const sut = new IdTable((code) => keys[code]!, 900);
    expect(sut.byteLength).toBe(1_200 * 4);
    keys.forEach((k, i) => sut.set(k, i));
    expect(sut.byteLength).toBeGreaterThan(1_200 * 4);
    keys.forEach((k, i) => expect(sut.get(k)).toBe(i));
    keys.slice(0, 500).forEach((k) => expect(sut.delete(k)).toBeGreaterThanOrEqual(0));
    keys.forEach((k, i) => expect(sut.get(k)).toBe(i < 500 ? undefined : i));
  });

  it('hashes sequential ids to spread-out values', () => {
    const low = new Set(Array.from({ length: 1_024 }, (_, i) => hashString(`cam-${i}`) & 1_023));
    expect(low.size).toBeGreaterThan(600);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atan2Of, haversineAngleRad, sinOf } from './trig.js';

const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);
/** Distance in units in the last place between two finite doubles of the same sign. */
function ulps(a: number, b: number): number {
  bits[0] = a;
  const x = word[0]!;
  bits[0] = b;
  return Math.abs(Number(x - word[0]!));
}
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const small = fc.double({ min: -0.02, max: 0.02, noNaN: true });

describe('trig for the index’s inner loop', () => {
  it('sinOf is within 1 ulp of Math.sin, on the series and off it (sin −0 may come out as 0)', () => {
    fc.assert(
      fc.property(fc.oneof(small, finite), (x) => {
        const got = sinOf(x);
        const want = Math.sin(x);
        if (want === 0) expect(got === 0).toBe(true);
        else expect(ulps(got, want)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 50_000 },
    );
  });

  it('haversineAngleRad is 2·asin(√h) to within 2 ulp, either side of the switch to the series', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: 0, max: 2e-6, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })), (h) => {
        const got = haversineAngleRad(h);
        const want = 2 * Math.atan2(Math.sqrt(h), Math.sqrt(1 - h));
        if (want === 0) expect(got).toBe(0);
        else expect(ulps(got, want)).toBeLessThanOrEqual(2);
      }),
      { numRuns: 50_000 },
    );
    expect(haversineAngleRad(1)).toBe(Math.PI);
  });

  it('atan2Of is within 2 ulp of Math.atan2 in every quadrant and octant, and the same on zeros, infinities and NaN', () => {
    const tiny = fc.double({ min: -1e-4, max: 1e-4, noNaN: true });
    fc.assert(
      fc.property(fc.oneof(finite, tiny, fc.double({ min: -2, max: 2, noNaN: true })), fc.oneof(finite, tiny, fc.double({ min: -2, max: 2, noNaN: true })), (y, x) => {
        const got = atan2Of(y, x);
        const want = Math.atan2(y, x);
        if (Math.sign(got) !== Math.sign(want) || want === 0) expect(got).toBe(want);
        else expect(ulps(got, want)).toBeLessThanOrEqual(2);
      }),
      { numRuns: 100_000 },
    );
    const specials = [0, -0, 1, -1, 5e-324, -5e-324, Number.MAX_VALUE, Infinity, -Infinity, Number.NaN];
    for (const y of specials) for (const x of specials) expect(Object.is(atan2Of(y, x), Math.atan2(y, x)) || ulps(atan2Of(y, x), Math.atan2(y, x)) <= 2).toBe(true);
    // The table's edges: t exactly k/16 and halfway between.
    for (let k = 0; k <= 128; k++) expect(ulps(atan2Of(k / 128, 1), Math.atan2(k / 128, 1))).toBeLessThanOrEqual(2);
  });
});

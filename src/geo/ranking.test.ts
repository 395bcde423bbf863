import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareByUsefulness, sortByUsefulness, usefulnessScore, type CameraTier } from './ranking.js';

const rel = (distanceM: number, facesArea: boolean, offAxisDeg = 0) => ({ intersects: true, distanceM, facesArea, offAxisDeg });

describe('usefulnessScore', () => {
  it('prefers nearer, then facing over grazing, then integrated/city over registered', () => {
    expect(usefulnessScore(rel(10, true), 90, 'registered')).toBeGreaterThan(usefulnessScore(rel(40, true), 90, 'registered'));
    expect(usefulnessScore(rel(40, true, 40), 90, 'registered')).toBeGreaterThan(usefulnessScore(rel(40, false, 60), 90, 'registered'));
    expect(usefulnessScore(rel(40, true), 90, 'city')).toBeGreaterThan(usefulnessScore(rel(40, true), 90, 'registered'));
    expect(usefulnessScore(rel(40, true), 90, 'integrated')).toBe(usefulnessScore(rel(40, true), 90, 'city'));
    // On-axis beats the wedge edge; a 360° camera sits between.
    expect(usefulnessScore(rel(40, true, 0), 90, 'registered')).toBeGreaterThan(usefulnessScore(rel(40, true, 0), 360, 'registered'));
    expect(usefulnessScore(rel(40, true, 0), 360, 'registered')).toBeGreaterThan(usefulnessScore(rel(40, true, 45), 90, 'registered'));
  });

  it('is 1 for a registered camera on the incident, looking at it', () => {
    expect(usefulnessScore(rel(0, true), 90, 'registered')).toBe(1);
  });
});

describe('sortByUsefulness', () => {
  it('gives exactly the order of Array.prototype.sort(compareByUsefulness), ties included', () => {
    // Few distinct scores and distances, so that ties on both (broken by id) are common.
    const match = fc.record({
      score: fc.constantFrom(0.1, 0.5, 0.5000000000000001, 1),
      distanceM: fc.constantFrom(0, 10, 10.000000000000002, 30),
      tier: fc.constantFrom<CameraTier>('registered', 'city'),
    });
    fc.assert(
      fc.property(fc.array(match, { maxLength: 300 }), (raw) => {
        const matches = raw.map((m, i) => ({ ...m, camera: { id: `c${(i * 7919) % 1000}-${i}` } }));
        const expected = [...matches].sort(compareByUsefulness);
        sortByUsefulness(matches);
        expect(matches).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});

import fc from 'fast-check';
import KDBush from 'kdbush';
import { describe, expect, it } from 'vitest';
import { PositionList, positionsInBox } from './kd-range.js';

describe('positionsInBox', () => {
  it('finds the same points as kdbush range(), by position instead of id', () => {
    const coord = fc.integer({ min: 0, max: 100 });
    const points = fc.array(fc.tuple(coord, coord), { maxLength: 400 }); // small grid: duplicates and ties on split lines
    fc.assert(
      fc.property(points, coord, coord, coord, coord, fc.constantFrom(2, 4, 64), (pts, x1, y1, x2, y2, nodeSize) => {
        const tree = new KDBush(pts.length, nodeSize, Float64Array);
        for (const [x, y] of pts) tree.add(x, y);
        tree.finish();
        const box = [Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2)] as const;
        const out = new PositionList();
        positionsInBox(tree, ...box, out);
        const viaPositions = Array.from(out.data.subarray(0, out.length), (p) => tree.ids[p]!).sort((a, b) => a - b);
        expect(viaPositions).toEqual(tree.range(...box).sort((a, b) => a - b));
        for (let k = 0; k < out.length; k++) {
          const p = out.data[k]!;
          const [x, y] = pts[tree.ids[p]!]!;
          expect([tree.coords[2 * p], tree.coords[2 * p + 1]]).toEqual([x, y]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('grows its output past the initial capacity', () => {
    const tree = new KDBush(5_000, 16, Float64Array);
    for (let i = 0; i < 5_000; i++) tree.add(i % 100, Math.floor(i / 100));
    tree.finish();
    const out = new PositionList();
    positionsInBox(tree, 0, 0, 100, 100, out);
    expect(out.length).toBe(5_000);
  });
});

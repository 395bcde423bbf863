// Box search over a finished kdbush tree that yields tree *positions* rather than the original ids.
// Positions index straight into kdbush's kd-sorted `coords`, and the camera index stores its records in that same
// order, so a query reads coordinates and ranges from contiguous typed arrays and touches a camera object only
// for the few points that survive the cheap distance bound. It also allocates nothing per query.
// Same traversal as kdbush's own `range` (v4), which is public API-shaped (`coords`, `nodeSize`, `numItems`).

import type KDBush from 'kdbush';

/** A growable list of positions, reused across queries. */
export class PositionList {
  data = new Int32Array(1024);
  length = 0;

  push(position: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = position;
  }
}

// Depth of a kd-tree over < 2^32 points is < 32 and each level leaves at most one sibling pending.
const STACK = new Int32Array(3 * 128);

/** Appends to `out` the position of every point with minX ≤ x ≤ maxX and minY ≤ y ≤ maxY. */
export function positionsInBox(tree: KDBush, minX: number, minY: number, maxX: number, maxY: number, out: PositionList): void {
  const coords = tree.coords;
  const nodeSize = tree.nodeSize;
  if (tree.numItems === 0) return;
  STACK[0] = 0;
  STACK[1] = tree.numItems - 1;
  STACK[2] = 0;
  let sp = 3;
  while (sp > 0) {
    const axis = STACK[--sp]!;
    const right = STACK[--sp]!;
    const left = STACK[--sp]!;
    if (right - left <= nodeSize) {
      for (let i = left; i <= right; i++) {
        const x = coords[2 * i]!;
        const y = coords[2 * i + 1]!;
        if (x >= minX && x <= maxX && y >= minY && y <= maxY) out.push(i);
      }
      continue;
    }
    const m = (left + right) >> 1;
    const x = coords[2 * m]!;
    const y = coords[2 * m + 1]!;
    if (x >= minX && x <= maxX && y >= minY && y <= maxY) out.push(m);
    if (axis === 0 ? minX <= x : minY <= y) {
      STACK[sp++] = left;
      STACK[sp++] = m - 1;
      STACK[sp++] = 1 - axis;
    }
    if (axis === 0 ? maxX >= x : maxY >= y) {
      STACK[sp++] = m + 1;
      STACK[sp++] = right;
      STACK[sp++] = 1 - axis;
    }
  }
}

// How likely a matched camera is to be useful, so that staff ask the best owners first.
//
//   score = proximity × facing × tier
//   proximity = 1 / (1 + distanceM / 50)          1 at the incident centre, ½ at 50 m, ⅙ at 250 m: image detail
//                                                 falls off with distance, and the centre is the likeliest spot.
//   facing    = 1 − 0.3 × offAxisDeg / (fovDeg/2)  centre inside the wedge angle: 1 on the optical axis, 0.7 at
//                                                 the wedge edge (lens distortion, partial framing);
//             = 0.85 for a 360° camera             it sees the spot, but a PTZ may point elsewhere and a fisheye
//                                                 resolves little;
//             = 0.35 when the wedge only grazes the uncertainty circle (the centre is outside the angle).
//   tier      = 1.15 for integrated and city cameras, 1 for registered: their footage is reachable at once,
//                                                 with no owner to wait for, but distance and facing still dominate.
// Ties (equal score) go to the nearer camera, then to the smaller id, so the order never depends on insertion.

import type { WedgeRelation } from './fov.js';

export type CameraTier = 'registered' | 'integrated' | 'city';

export const TIER_WEIGHT: Readonly<Record<CameraTier, number>> = { registered: 1, integrated: 1.15, city: 1.15 };

const PROXIMITY_HALF_M = 50;
const FACING_EDGE = 0.7;
const FACING_ALL_AROUND = 0.85;
const FACING_GRAZING = 0.35;

export function usefulnessScore(relation: WedgeRelation, fovDeg: number, tier: CameraTier): number {
  return usefulnessScoreOf(relation.distanceM, relation.facesArea, relation.offAxisDeg, fovDeg, TIER_WEIGHT[tier] ?? 1);
}

/** `usefulnessScore` from the relation's fields and the tier's weight, for the index's typed-array path. */
export function usefulnessScoreOf(distanceM: number, facesArea: boolean, offAxisDeg: number, fovDeg: number, tierWeight: number): number {
  const proximity = 1 / (1 + distanceM / PROXIMITY_HALF_M);
  let facing: number;
  if (!facesArea) facing = FACING_GRAZING;
  else if (fovDeg >= 360) facing = FACING_ALL_AROUND;
  else facing = 1 - (1 - FACING_EDGE) * Math.min(1, offAxisDeg / (fovDeg / 2));
  return proximity * facing * tierWeight;
}

export interface Ranked {
  readonly score: number;
  readonly distanceM: number;
  readonly camera: { readonly id: string };
}

export function compareByUsefulness(a: Ranked, b: Ranked): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.distanceM !== b.distanceM) return a.distanceM - b.distanceM;
  return a.camera.id < b.camera.id ? -1 : a.camera.id > b.camera.id ? 1 : 0;
}

/**
 * Sorts matches best first, in exactly the order `Array.prototype.sort(compareByUsefulness)` gives (the order is
 * total: ids are unique). The built-in sort calls the comparator through a generic path that costs more than
 * the matching itself for a busy corridor's hundreds of matches; this sorts indices over typed copies of the
 * keys and reads ids only to break exact ties.
 */
export function sortByUsefulness<M extends Ranked>(matches: M[]): void {
  const n = matches.length;
  if (n < 2) return;
  const score = new Float64Array(n);
  const dist = new Float64Array(n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    score[i] = matches[i]!.score;
    dist[i] = matches[i]!.distanceM;
    order[i] = i;
  }
  const before = (a: number, b: number): boolean => {
    if (score[a] !== score[b]) return score[a]! > score[b]!;
    if (dist[a] !== dist[b]) return dist[a]! < dist[b]!;
    return matches[a]!.camera.id < matches[b]!.camera.id;
  };
  quicksort(order, 0, n - 1, before);
  const copy = matches.slice();
  for (let i = 0; i < n; i++) matches[i] = copy[order[i]!]!;
}

function quicksort(a: Int32Array, lo: number, hi: number, before: (x: number, y: number) => boolean): void {
  while (hi - lo > 16) {
    // Median of three as pivot; recurse into the smaller side so the stack stays logarithmic.
    const mid = (lo + hi) >> 1;
    if (before(a[mid]!, a[lo]!)) swap(a, mid, lo);
    if (before(a[hi]!, a[lo]!)) swap(a, hi, lo);
    if (before(a[hi]!, a[mid]!)) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(a[i]!, pivot)) i++;
      while (before(pivot, a[j]!)) j--;
      if (i <= j) swap(a, i++, j--);
    }
    if (j - lo < hi - i) {
      quicksort(a, lo, j, before);
      lo = i;
    } else {
      quicksort(a, i, hi, before);
      hi = j;
    }
  }
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && before(v, a[j]!)) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

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
  const proximity = 1 / (1 + relation.distanceM / PROXIMITY_HALF_M);
  let facing: number;
  if (!relation.facesArea) facing = FACING_GRAZING;
  else if (fovDeg >= 360) facing = FACING_ALL_AROUND;
  else facing = 1 - (1 - FACING_EDGE) * Math.min(1, relation.offAxisDeg / (fovDeg / 2));
  return proximity * facing * (TIER_WEIGHT[tier] ?? 1);
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

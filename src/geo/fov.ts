// A camera's field of view as a spherical wedge, and the exact test of whether it meets an incident circle.
//
// Wedge W(C, b, f, r): points P with d(C, P) ≤ r and |bearing(C, P) − b| ≤ f/2 (the apex C itself belongs to W).
// Disc D(A, a): points within a of A.
// W ∩ D ≠ ∅ exactly when one of these holds:
//   1. C ∈ D                                  (d(C, A) ≤ a);
//   2. d(C, A) ≤ r + a and A's bearing lies in the wedge angle (or f = 360): then either A ∈ W, or the point of
//      the arc on the great circle C→A is the arc point nearest A, at distance d(C, A) − r ≤ a;
//   3. otherwise the disc, being convex and centred outside W, can only reach W through W's boundary. The arc's
//      nearest point to A is then an arc end (distance to a point of the circle of radius r about C grows with
//      the bearing difference), and arc ends belong to the edges, so only the edge nearer A in angle needs
//      checking: the cross-track / along-track distance from A to that great-circle segment C→E.

import { EARTH_RADIUS_M, angleDifferenceDeg, type LatLng } from './sphere.js';
import { atan2Of, haversineAngleRad, sinOf } from './trig.js';

/**
 * Slack on every metric comparison, in metres: a point computed to lie exactly on a wedge edge or on the range
 * arc counts as inside. Float64 round-trips of destination → distance err by ~1e-9 m here, so 1 mm is ample
 * and far below anything physical.
 */
export const BOUNDARY_TOLERANCE_M = 1e-3;

const RAD = Math.PI / 180;
const HALF_PI = Math.PI / 2;

export interface CameraFieldOfView extends LatLng {
  /** Centre of the view, degrees clockwise from north, [0, 360]. */
  readonly bearingDeg: number;
  /** Full opening angle in degrees, [1, 360]; 360 sees all around (PTZ, fisheye). */
  readonly fovDeg: number;
  /** How far the camera usefully sees, metres, > 0. */
  readonly rangeM: number;
}

/** Where an incident may be: a centre and an uncertainty radius (0 for an exact point). */
export interface IncidentArea extends LatLng {
  readonly accuracyM: number;
}

export interface WedgeRelation {
  /** True when the wedge and the incident circle share at least one point. */
  readonly intersects: boolean;
  /** Great-circle distance from the camera to the incident centre, metres. */
  readonly distanceM: number;
  /** True when the incident centre lies within the wedge's angle (always for 360° cameras and a camera on the centre). */
  readonly facesArea: boolean;
  /**
   * Angle between the camera's bearing and the direction to the incident centre, degrees [0, 180]; 0 for a camera
   * that sees all around (360°), for which every direction is on its axis (its bearing is nominal).
   */
  readonly offAxisDeg: number;
}

/** An incident area with the trigonometry that every camera test needs done once. */
export interface PreparedArea extends IncidentArea {
  readonly sinLat: number;
  readonly cosLat: number;
  /** The same for `relateWedgeAt`, at the AREA_* positions. */
  readonly fields: Float64Array;
}

/** Where `PreparedArea.fields` holds the centre (degrees), its latitude's sine and cosine, and the uncertainty (metres). */
export const AREA_LAT = 0;
export const AREA_LNG = 1;
export const AREA_SIN_LAT = 2;
export const AREA_COS_LAT = 3;
export const AREA_ACCURACY_M = 4;

export function prepareArea(area: IncidentArea): PreparedArea {
  const phi = area.lat * RAD;
  const sinLat = Math.sin(phi);
  const cosLat = Math.cos(phi);
  return { lat: area.lat, lng: area.lng, accuracyM: area.accuracyM, sinLat, cosLat, fields: Float64Array.of(area.lat, area.lng, sinLat, cosLat, area.accuracyM) };
}

/** The full relation between a camera's wedge and an incident circle; the one predicate the index and tests share. */
export function relateWedgeToCircle(camera: CameraFieldOfView, area: IncidentArea): WedgeRelation {
  return relateWedgeFieldsToCircle(camera.lat, camera.lng, camera.bearingDeg, camera.fovDeg, camera.rangeM, prepareArea(area));
}

/** `relateWedgeFieldsInto` results: no shared point, the centre within the wedge angle, or only a graze. */
export const NO_INTERSECTION = 0;
export const FACES_AREA = 1;
export const GRAZES_AREA = 2;
export type WedgeRelationCode = typeof NO_INTERSECTION | typeof FACES_AREA | typeof GRAZES_AREA;

/** Where `relateWedgeFieldsInto` writes the distance to the centre (metres) and the off-axis angle (degrees). */
export const OUT_DISTANCE_M = 0;
export const OUT_OFF_AXIS_DEG = 1;

/** Where a camera's fields sit for `relateWedgeAt`: lat, lng and range at `p` + …, bearing and fov at `v` + … */
export const CAM_LAT = 0;
export const CAM_LNG = 1;
export const CAM_RANGE_M = 2;
export const CAM_BEARING_DEG = 0;
export const CAM_FOV_DEG = 1;

/** Scratch for the field and object forms below (synchronous, so one buffer serves every call). */
const CAMERA = new Float64Array(5);

/**
 * `relateWedgeToCircle` from the camera's fields, writing `distanceM` and `offAxisDeg` into `out` (see OUT_*) and
 * returning whether the wedge meets the circle and how (the one predicate: it is `relateWedgeAt`).
 */
export function relateWedgeFieldsInto(
  lat: number,
  lng: number,
  bearingDeg: number,
  fovDeg: number,
  rangeM: number,
  area: PreparedArea,
  out: Float64Array,
): WedgeRelationCode {
  const c = CAMERA;
  c[CAM_LAT] = lat;
  c[CAM_LNG] = lng;
  c[CAM_RANGE_M] = rangeM;
  c[3 + CAM_BEARING_DEG] = bearingDeg;
  c[3 + CAM_FOV_DEG] = fovDeg;
  return relateWedgeAt(c, 0, c, 3, area.fields, out);
}

/**
 * The relation of the camera whose fields are at `place[p + CAM_*]` and `view[v + CAM_*]` to the area's `fields`,
 * as `relateWedgeFieldsInto`; the index calls it on its own arrays, so that a test of hundreds of cameras per
 * incident neither allocates nor boxes a number.
 * Distance (haversine) and bearing share their trigonometry: two sines of half-differences (the camera's own
 * sin/cos of latitude follow from them and the area's by the difference formulas), the haversine's angle and one
 * atan2, where computing them separately costs ten sin/cos and two atan2. At city scale every one of those is a
 * short series (trig.ts), not a call into the engine's libm: at hundreds of cameras per incident that was most of
 * the query.
 */
export function relateWedgeAt(place: Float64Array, p: number, view: Float64Array, v: number, area: Float64Array, out: Float64Array): WedgeRelationCode {
  // Literal offsets and constants throughout (see CAM_*, AREA_*, OUT_*; 0.001 is BOUNDARY_TOLERANCE_M): in optimised
  // code a module constant is a load from the module's context and a check, on every call.
  const lat = place[p]!;
  const lng = place[p + 1]!;
  const rangeM = place[p + 2]!;
  const latA = area[0]!;
  const sinLatA = area[2]!;
  const cosLatA = area[3]!;
  let dLngDeg = area[1]! - lng;
  // Within ±180° the half-angles are within ±90°, so their cosines are the non-negative roots below.
  if (dLngDeg > 180) dLngDeg -= 360;
  else if (dLngDeg < -180) dLngDeg += 360;
  // π/360 (half a degree in radians), and below the Earth's radius and 180/π.
  const sHalfLat = sinOf((latA - lat) * 0.008726646259971648);
  const sHalfLng = sinOf(dLngDeg * 0.008726646259971648);
  const sinDLat = 2 * sHalfLat * Math.sqrt(1 - sHalfLat * sHalfLat);
  const cosDLat = 1 - 2 * sHalfLat * sHalfLat;
  // φ = φA − Δφ.
  const sinPhi = sinLatA * cosDLat - cosLatA * sinDLat;
  const cosPhi = Math.max(0, cosLatA * cosDLat + sinLatA * sinDLat); // ≥ 0 even at a pole
  const h = sHalfLat * sHalfLat + cosPhi * cosLatA * sHalfLng * sHalfLng;
  const dRad = haversineAngleRad(h);
  const distM = dRad * 6_371_008.8;
  const reachM = area[4]! + 0.001;
  out[0] = distM;
  // Stored before the test rather than in its branch: in an index query that branch is rare (the scan's distance
  // bound has let through little beyond reach), and its first use in optimised code would send the function back
  // to the interpreter for as long as re-optimising it takes.
  out[1] = 180;
  if (distM > rangeM + reachM) return 0; // NO_INTERSECTION
  if (distM === 0) return atApex(out);
  const fovDeg = view[v + 1]!;
  // A camera that sees all around faces the area from anywhere within reach, and every direction is on its axis:
  // no bearing to compute (its atan2 was a third of this test, and such cameras are many of a busy corridor's matches).
  if (fovDeg >= 360) {
    out[1] = 0;
    return 1; // FACES_AREA
  }
  // The angle between the camera's bearing and the initial bearing to A.
  const sinDLng = 2 * sHalfLng * Math.sqrt(1 - sHalfLng * sHalfLng);
  const cosDLng = 1 - 2 * sHalfLng * sHalfLng;
  const bearingToCentreDeg = atan2Of(sinDLng * cosLatA, cosPhi * sinLatA - sinPhi * cosLatA * cosDLng) * 57.29577951308232;
  const offAxisDeg = Math.abs(angleDifferenceDeg(view[v]!, bearingToCentreDeg));
  out[1] = offAxisDeg;
  if (offAxisDeg <= fovDeg / 2) return 1; // FACES_AREA
  if (distM <= reachM) return 2; // GRAZES_AREA
  return edgeMeetsCircle(dRad, offAxisDeg, fovDeg, rangeM, reachM);
}

// The rarer outcomes are separate functions, which keeps the common path small enough for the optimising
// compiler to inline into the index's scan.

function atApex(out: Float64Array): WedgeRelationCode {
  out[OUT_DISTANCE_M] = 0;
  out[OUT_OFF_AXIS_DEG] = 0;
  return FACES_AREA;
}

/** Case 3 of the header: the centre is outside the wedge angle and beyond the circle's reach of the apex. */
function edgeMeetsCircle(dRad: number, offAxisDeg: number, fovDeg: number, rangeM: number, reachM: number): WedgeRelationCode {
  const halfFovDeg = fovDeg / 2;
  const edgeAngleRad = (offAxisDeg - halfFovDeg) * RAD;
  // Most wedges that miss do so by far. The edge is never nearer A than the great circle it lies on, at
  // asin(sin d · sin θ) ≥ sin d · sin θ ≥ d(1 − d²/6) · θ(1 − θ²/6) for θ ≤ π/2 (beyond, the nearest point is the
  // apex, at d > reach); when even that lower bound is clearly out of reach, the trigonometry of
  // `distanceToEdgeRad` could not conclude otherwise, so it is skipped. The margin dwarfs any rounding here or there.
  if (edgeAngleRad < HALF_PI) {
    const lowerBoundM = dRad * (1 - (dRad * dRad) / 6) * edgeAngleRad * (1 - (edgeAngleRad * edgeAngleRad) / 6) * EARTH_RADIUS_M;
    if (lowerBoundM > reachM * (1 + 1e-9) + 1e-9) return NO_INTERSECTION;
  }
  const edgeDistM = distanceToEdgeRad(dRad, edgeAngleRad, rangeM / EARTH_RADIUS_M) * EARTH_RADIUS_M;
  return edgeDistM <= reachM ? GRAZES_AREA : NO_INTERSECTION;
}

/** Scratch for the object-returning forms below. */
const RELATION = new Float64Array(2);

/** `relateWedgeToCircle` from the camera's fields, for callers that keep them in typed arrays. */
export function relateWedgeFieldsToCircle(lat: number, lng: number, bearingDeg: number, fovDeg: number, rangeM: number, area: PreparedArea): WedgeRelation {
  const code = relateWedgeFieldsInto(lat, lng, bearingDeg, fovDeg, rangeM, area, RELATION);
  return { intersects: code !== NO_INTERSECTION, distanceM: RELATION[OUT_DISTANCE_M]!, facesArea: code === FACES_AREA, offAxisDeg: RELATION[OUT_OFF_AXIS_DEG]! };
}

/** Does the camera's field-of-view wedge meet the incident circle? */
export function wedgeIntersectsCircle(camera: CameraFieldOfView, area: IncidentArea): boolean {
  return relateWedgeToCircle(camera, area).intersects;
}

/** Is the point inside the wedge (same tolerance as `wedgeIntersectsCircle` with a zero radius)? */
export function wedgeContainsPoint(camera: CameraFieldOfView, point: LatLng): boolean {
  return relateWedgeToCircle(camera, { lat: point.lat, lng: point.lng, accuracyM: 0 }).intersects;
}

/**
 * The exact matching predicate: the wedge meets the area and the area's nearest edge lies within the search
 * radius (distanceM − accuracyM ≤ searchRadiusM). Range reach (distanceM − accuracyM ≤ rangeM) is implied by
 * the intersection. Returns undefined for no match.
 */
export function matchCameraToArea(camera: CameraFieldOfView, area: IncidentArea, searchRadiusM: number): WedgeRelation | undefined {
  return matchWedgeFieldsToArea(camera.lat, camera.lng, camera.bearingDeg, camera.fovDeg, camera.rangeM, prepareArea(area), searchRadiusM);
}

/** `matchCameraToArea` from the camera's fields. */
export function matchWedgeFieldsToArea(
  lat: number,
  lng: number,
  bearingDeg: number,
  fovDeg: number,
  rangeM: number,
  area: PreparedArea,
  searchRadiusM: number,
): WedgeRelation | undefined {
  const code = matchWedgeFieldsInto(lat, lng, bearingDeg, fovDeg, rangeM, area, searchRadiusM, RELATION);
  if (code === NO_INTERSECTION) return undefined;
  return { intersects: true, distanceM: RELATION[OUT_DISTANCE_M]!, facesArea: code === FACES_AREA, offAxisDeg: RELATION[OUT_OFF_AXIS_DEG]! };
}

/** `matchWedgeFieldsToArea` into `out` as `relateWedgeFieldsInto` does: NO_INTERSECTION for no match. */
export function matchWedgeFieldsInto(
  lat: number,
  lng: number,
  bearingDeg: number,
  fovDeg: number,
  rangeM: number,
  area: PreparedArea,
  searchRadiusM: number,
  out: Float64Array,
): WedgeRelationCode {
  const code = relateWedgeFieldsInto(lat, lng, bearingDeg, fovDeg, rangeM, area, out);
  if (code === NO_INTERSECTION || out[OUT_DISTANCE_M]! - area.accuracyM > searchRadiusM + BOUNDARY_TOLERANCE_M) return NO_INTERSECTION;
  return code;
}

/** `matchWedgeFieldsInto` for the camera at `place[p + CAM_*]`, `view[v + CAM_*]`, as `relateWedgeAt` takes it. */
export function matchWedgeAt(place: Float64Array, p: number, view: Float64Array, v: number, area: Float64Array, searchRadiusM: number, out: Float64Array): WedgeRelationCode {
  const code = relateWedgeAt(place, p, view, v, area, out);
  if (code === 0 || out[0]! - area[4]! > searchRadiusM + 0.001) return 0; // NO_INTERSECTION; OUT_DISTANCE_M, AREA_ACCURACY_M, BOUNDARY_TOLERANCE_M
  return code;
}

/**
 * Distance (central angle) from a point to the great-circle segment that leaves the apex at angle `angleRad`
 * (0 < angleRad ≤ π) from the apex→point direction and runs for `lengthRad`. `apexDistRad` is the point's
 * distance from the apex. Along-track uses atan2 (tan at = tan d · cos Δ) rather than acos(cos d / cos xt),
 * which loses all precision at city scales.
 */
function distanceToEdgeRad(apexDistRad: number, angleRad: number, lengthRad: number): number {
  // Beyond a right angle the nearest point of the segment is the apex itself.
  if (angleRad >= HALF_PI) return apexDistRad;
  const sinD = Math.sin(apexDistRad);
  const alongRad = Math.atan2(sinD * Math.cos(angleRad), Math.cos(apexDistRad));
  if (alongRad <= lengthRad) return Math.asin(Math.min(1, sinD * Math.sin(angleRad)));
  // Nearest point is the segment's far end; haversine law of cosines keeps small distances accurate.
  const sinHalfDiff = Math.sin((apexDistRad - lengthRad) / 2);
  const sinHalfAngle = Math.sin(angleRad / 2);
  const h = sinHalfDiff * sinHalfDiff + sinD * Math.sin(lengthRad) * sinHalfAngle * sinHalfAngle;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

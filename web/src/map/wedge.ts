// A camera's field of view as a polygon: the wedge from the camera point out to its range, between
// bearing − fov/2 and bearing + fov/2 (clockwise from north); a circle for 360°. Spherical, like src/geo/sphere.ts.
import type { Feature, Polygon } from 'geojson';

/** WGS84 mean radius, metres (the server's sphere). */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;
/** One arc point every this many degrees: smooth at floor zoom, ~20 points for a typical 90° doorbell. */
const ARC_STEP_DEG = 5;

export interface FieldOfView {
  lat: number;
  lng: number;
  bearingDeg: number;
  fovDeg: number;
  rangeM: number;
}

/** The point `distanceM` metres from (lat, lng) along the great circle starting at `bearingDeg`, as [lng, lat]. */
export function destination(lat: number, lng: number, distanceM: number, bearingDeg: number): [number, number] {
  const delta = distanceM / EARTH_RADIUS_M;
  const theta = bearingDeg * RAD;
  const phi1 = lat * RAD;
  const lambda1 = lng * RAD;
  const sinPhi2 = Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta);
  const phi2 = Math.asin(sinPhi2);
  const lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1), Math.cos(delta) - Math.sin(phi1) * sinPhi2);
  return [(((lambda2 * DEG + 540) % 360) - 180), phi2 * DEG];
}

/** Bearing in [0, 360). */
export function normalizeBearing(bearingDeg: number): number {
  return ((bearingDeg % 360) + 360) % 360;
}

/** The closed outer ring of the wedge, [lng, lat] pairs. */
export function wedgeRing({ lat, lng, bearingDeg, fovDeg, rangeM }: FieldOfView): [number, number][] {
  const fov = Math.min(360, Math.max(1, fovDeg));
  if (fov >= 360) {
    const ring: [number, number][] = [];
    for (let a = 0; a < 360; a += ARC_STEP_DEG) ring.push(destination(lat, lng, rangeM, a));
    ring.push(ring[0]!);
    return ring;
  }
  const steps = Math.max(2, Math.ceil(fov / ARC_STEP_DEG));
  const start = bearingDeg - fov / 2;
  const apex: [number, number] = [lng, lat];
  const ring: [number, number][] = [apex];
  for (let i = 0; i <= steps; i++) ring.push(destination(lat, lng, rangeM, start + (fov * i) / steps));
  ring.push(apex);
  return ring;
}

export function wedgePolygon(fov: FieldOfView): Polygon {
  return { type: 'Polygon', coordinates: [wedgeRing(fov)] };
}

export function wedgeFeature<P extends Record<string, unknown>>(fov: FieldOfView, properties: P): Feature<Polygon, P> {
  return { type: 'Feature', geometry: wedgePolygon(fov), properties };
}

const COMPASS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const;
export type CompassPoint = (typeof COMPASS)[number];
export const COMPASS_POINTS: readonly CompassPoint[] = COMPASS;

/** The nearest of the eight compass points. */
export function compassPointOf(bearingDeg: number): CompassPoint {
  return COMPASS[Math.round(normalizeBearing(bearingDeg) / 45) % 8]!;
}

export function bearingOfCompassPoint(point: CompassPoint): number {
  return COMPASS.indexOf(point) * 45;
}

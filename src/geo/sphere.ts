// Great-circle geometry on a sphere of the WGS84 mean radius. Pure functions, no allocation in the hot ones.
// A sphere (not the ellipsoid) is deliberate: camera ranges are tens to hundreds of metres, where the spherical
// error (≤ 0.5 %) is far below the uncertainty of a hand-placed camera pin or a 911 caller's location.

/** WGS84 mean radius (IUGG R1), metres. */
export const EARTH_RADIUS_M = 6_371_008.8;

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

export interface LatLng {
  /** Latitude in degrees, [-90, 90]. */
  readonly lat: number;
  /** Longitude in degrees, [-180, 180]. */
  readonly lng: number;
}

/** A longitude/latitude box in degrees (west, south, east, north). */
export interface LngLatBox {
  readonly minLng: number;
  readonly minLat: number;
  readonly maxLng: number;
  readonly maxLat: number;
}

/**
 * Central angle between two points in radians, by the atan2 (Vincenty) form of the spherical law of cosines,
 * which keeps float64 precision from millimetres to antipodes (the haversine loses digits near antipodes).
 */
export function centralAngleRad(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const phi1 = aLat * RAD;
  const phi2 = bLat * RAD;
  const dLng = (bLng - aLng) * RAD;
  const sinPhi1 = Math.sin(phi1);
  const cosPhi1 = Math.cos(phi1);
  const sinPhi2 = Math.sin(phi2);
  const cosPhi2 = Math.cos(phi2);
  const cosDLng = Math.cos(dLng);
  const x = cosPhi2 * Math.sin(dLng);
  const y = cosPhi1 * sinPhi2 - sinPhi1 * cosPhi2 * cosDLng;
  return Math.atan2(Math.sqrt(x * x + y * y), sinPhi1 * sinPhi2 + cosPhi1 * cosPhi2 * cosDLng);
}

/** Great-circle distance in metres. */
export function distanceM(a: LatLng, b: LatLng): number {
  return centralAngleRad(a.lat, a.lng, b.lat, b.lng) * EARTH_RADIUS_M;
}

/** Initial bearing from `from` towards `to` in degrees, [0, 360), clockwise from north. 0 when the points coincide. */
export function initialBearingDeg(from: LatLng, to: LatLng): number {
  return normalizeBearingDeg(initialBearingRad(from.lat, from.lng, to.lat, to.lng) * DEG);
}

/** Initial bearing in radians, (-π, π]. */
export function initialBearingRad(aLat: number, aLng: number, bLat: number, bLng: number): number {
  const phi1 = aLat * RAD;
  const phi2 = bLat * RAD;
  const dLng = (bLng - aLng) * RAD;
  const cosPhi2 = Math.cos(phi2);
  const y = Math.sin(dLng) * cosPhi2;
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * cosPhi2 * Math.cos(dLng);
  return Math.atan2(y, x);
}

/** The point reached by travelling `distanceM` metres from `from` along the great circle with initial bearing `bearingDeg`. */
export function destinationPoint(from: LatLng, distanceM: number, bearingDeg: number): LatLng {
  const delta = distanceM / EARTH_RADIUS_M;
  const theta = bearingDeg * RAD;
  const phi1 = from.lat * RAD;
  const sinPhi1 = Math.sin(phi1);
  const cosPhi1 = Math.cos(phi1);
  const sinDelta = Math.sin(delta);
  const cosDelta = Math.cos(delta);
  const cosTheta = Math.cos(theta);
  // Latitude via atan2 of sin and cos components: asin(sin φ2) loses micrometres near the poles.
  const sinPhi2 = sinPhi1 * cosDelta + cosPhi1 * sinDelta * cosTheta;
  const x = cosPhi1 * cosDelta - sinPhi1 * sinDelta * cosTheta;
  const y = sinDelta * Math.sin(theta);
  const phi2 = Math.atan2(sinPhi2, Math.sqrt(x * x + y * y));
  const lambda = Math.atan2(y, x);
  return { lat: phi2 * DEG, lng: normalizeLngDeg(from.lng + lambda * DEG) };
}

/** Bearing folded into [0, 360). */
export function normalizeBearingDeg(deg: number): number {
  const r = deg % 360;
  // `r + 360` can round up to exactly 360 for tiny negative r.
  const n = r < 0 ? r + 360 : r;
  return n >= 360 ? 0 : n;
}

/** Longitude folded into [-180, 180]. Values already in range are returned unchanged, so ±180 both survive. */
export function normalizeLngDeg(deg: number): number {
  if (deg >= -180 && deg <= 180) return deg;
  const r = (((deg + 180) % 360) + 360) % 360;
  return r - 180;
}

/** Signed smallest difference `toDeg - fromDeg`, in (-180, 180]. */
export function angleDifferenceDeg(fromDeg: number, toDeg: number): number {
  const d = toDeg - fromDeg;
  if (d > 180) {
    // Within a turn and a half (always, for bearings in [0, 360] against (-180, 180]) taking off one turn is exact,
    // since |d| is within a factor 2 of 360, and is what the modulo and the fold below give; the modulo is a call
    // out of optimised code, made on about half of the index's exact tests before.
    if (d <= 540) return d - 360;
  } else if (d <= -180) {
    if (d > -540) return d + 360;
  } else {
    return d;
  }
  return foldDeg(d);
}

function foldDeg(difference: number): number {
  let d = difference % 360;
  if (d > 180) d -= 360;
  else if (d <= -180) d += 360;
  return d;
}

const DEG_PER_M = DEG / EARTH_RADIUS_M;

/** Margin added to every box edge so that rounding in the box maths can never cut off a point on the circle. */
const BOX_MARGIN_DEG = 1e-9;

/**
 * The smallest lng/lat boxes that contain every point within `radiusM` of `center` (the spherical cap).
 * One box normally; two when the cap crosses the antimeridian; a full-longitude band when it contains a pole.
 * Longitude half-width is asin(sin δ / cos φ), not δ / cos φ: the widest point of a cap is not on the centre's
 * parallel, and the naive formula under-covers at high latitudes.
 */
export function boundingBoxesAround(center: LatLng, radiusM: number): LngLatBox[] {
  const delta = radiusM / EARTH_RADIUS_M;
  const dLatDeg = delta * DEG + BOX_MARGIN_DEG;
  const minLat = center.lat - dLatDeg;
  const maxLat = center.lat + dLatDeg;
  if (maxLat >= 90 || minLat <= -90 || delta >= Math.PI / 2) {
    return [{ minLng: -180, minLat: Math.max(-90, minLat), maxLng: 180, maxLat: Math.min(90, maxLat) }];
  }
  const ratio = Math.sin(delta) / Math.cos(center.lat * RAD);
  if (ratio >= 1) return [{ minLng: -180, minLat, maxLng: 180, maxLat }];
  const dLngDeg = Math.asin(ratio) * DEG + BOX_MARGIN_DEG;
  const minLng = center.lng - dLngDeg;
  const maxLng = center.lng + dLngDeg;
  if (minLng < -180) {
    return [
      { minLng: minLng + 360, minLat, maxLng: 180, maxLat },
      { minLng: -180, minLat, maxLng, maxLat },
    ];
  }
  if (maxLng > 180) {
    return [
      { minLng, minLat, maxLng: 180, maxLat },
      { minLng: -180, minLat, maxLng: maxLng - 360, maxLat },
    ];
  }
  return [{ minLng, minLat, maxLng, maxLat }];
}

/**
 * A trigonometry-free test "is this point certainly farther than D from the centre?", for throwing away most box
 * candidates before the exact test. On the sphere ds² = dφ² + cos²φ·dλ² ≥ dφ² + cosMin²·dλ² wherever cos φ ≥
 * cosMin, and the great circle from the centre to any point of its cap stays in the cap, so within the cap's
 * latitude band: d ≥ R·√(Δφ² + cosMin²·Δλ²). A point beyond D by that flat measure is beyond D for real; the
 * test never rejects a point within D, and at city scale keeps only a sliver (~1e-4 relative) beyond it.
 */
export class DistanceLowerBound {
  // Public so that a scan can copy them into locals (the index's does, with `flatSq` and `limitSq` written out).
  // Doubles from the start (NaN until aimed), so that aiming never changes the fields' representation.
  lat0 = Number.NaN;
  lng0 = Number.NaN;
  cosMinSq = Number.NaN;
  /** `limitSq(d)` is (d + 1e-6)² × this: a micrometre plus 1e-9 relative absorb rounding here and in any float64
   * distance the survivors go on to (coordinates alone are only exact to ~1e-9 m). */
  static readonly LIMIT_SCALE = DEG_PER_M * DEG_PER_M * (1 + 1e-9);

  /** `boxes` must contain the centre and every point that will be tested (e.g. from `boundingBoxesAround`). */
  constructor(center?: LatLng, boxes: readonly LngLatBox[] = []) {
    if (center !== undefined) this.aim(center, boxes);
  }

  /**
   * Re-aims the bound at another centre and boxes, as the constructor does. A scan that runs per query keeps one
   * bound and aims it, rather than making one a query (see CameraIndex's `#collect`).
   */
  aim(center: LatLng, boxes: readonly LngLatBox[]): this {
    let maxAbsLat = Math.abs(center.lat);
    for (const b of boxes) maxAbsLat = Math.max(maxAbsLat, Math.abs(b.minLat), Math.abs(b.maxLat));
    const cosMin = maxAbsLat >= 90 ? 0 : Math.max(0, Math.cos(maxAbsLat * RAD) * (1 - 1e-12));
    this.lat0 = center.lat;
    this.lng0 = center.lng;
    this.cosMinSq = cosMin * cosMin;
    return this;
  }

  /** True only when the great-circle distance to (lat, lng) exceeds `distanceM`; never for a point within it. */
  isCertainlyFartherThan(lat: number, lng: number, distanceM: number): boolean {
    return this.flatSq(lat, lng) > this.limitSq(distanceM);
  }

  /** The flat measure of (lat, lng): `isCertainlyFartherThan` is `flatSq(lat, lng) > limitSq(distanceM)`. */
  flatSq(lat: number, lng: number): number {
    let dLng = Math.abs(lng - this.lng0);
    if (dLng > 180) dLng = 360 - dLng;
    const dLat = lat - this.lat0;
    return dLat * dLat + this.cosMinSq * dLng * dLng;
  }

  limitSq(distanceM: number): number {
    const d = distanceM + 1e-6;
    return d * d * DistanceLowerBound.LIMIT_SCALE;
  }
}

/** True when the point lies inside the box (edges included). */
export function boxContains(box: LngLatBox, lat: number, lng: number): boolean {
  return lng >= box.minLng && lng <= box.maxLng && lat >= box.minLat && lat <= box.maxLat;
}

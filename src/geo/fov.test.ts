import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOUNDARY_TOLERANCE_M, matchCameraToArea, relateWedgeToCircle, wedgeContainsPoint, wedgeIntersectsCircle, type CameraFieldOfView } from './fov.js';
import { angleDifferenceDeg, destinationPoint, distanceM, initialBearingDeg, type LatLng } from './sphere.js';

const DC = { lat: 38.9, lng: -77.03 };
const cam = (over: Partial<CameraFieldOfView> = {}): CameraFieldOfView => ({ ...DC, bearingDeg: 90, fovDeg: 60, rangeM: 100, ...over });
/** The incident `distM` metres from the camera at bearing `bearingDeg`, with uncertainty `accuracyM`. */
const at = (c: CameraFieldOfView, distM: number, bearingDeg: number, accuracyM = 0) => ({ ...destinationPoint(c, distM, bearingDeg), accuracyM });

describe('wedgeIntersectsCircle — named cases', () => {
  it('incident centre inside the wedge', () => {
    expect(wedgeIntersectsCircle(cam(), at(cam(), 50, 90))).toBe(true);
    expect(relateWedgeToCircle(cam(), at(cam(), 50, 100)).facesArea).toBe(true);
  });

  it('centre behind the camera and no uncertainty: not seen', () => {
    expect(wedgeIntersectsCircle(cam(), at(cam(), 50, 270))).toBe(false);
  });

  it('circle touching the arc from beyond the range', () => {
    const c = cam();
    expect(wedgeIntersectsCircle(c, at(c, 130, 90, 30))).toBe(true);
    expect(wedgeIntersectsCircle(c, at(c, 130.01, 90, 30))).toBe(false);
  });

  it('circle crossing a wedge edge while its centre is outside the angle', () => {
    const c = cam(); // edges at 60° and 120°
    // 50 m out along bearing 140°: 20° past the edge, cross-track distance 50·sin 20° ≈ 17.1 m.
    const area = at(c, 50, 140, 18);
    const rel = relateWedgeToCircle(c, area);
    expect(rel).toMatchObject({ intersects: true, facesArea: false });
    expect(wedgeIntersectsCircle(c, { ...area, accuracyM: 17 })).toBe(false);
  });

  it('circle reaching only the far end of an edge (past the range)', () => {
    const c = cam(); // edge end E at 100 m, bearing 120°
    const e = destinationPoint(c, 100, 120);
    const area = { ...destinationPoint(e, 10, 150), accuracyM: 10.01 };
    expect(wedgeIntersectsCircle(c, area)).toBe(true);
    expect(wedgeIntersectsCircle(c, { ...area, accuracyM: 9.9 })).toBe(false);
  });

  it('camera inside the uncertainty circle though facing away', () => {
    const c = cam();
    const area = at(c, 20, 270, 25);
    expect(relateWedgeToCircle(c, area)).toMatchObject({ intersects: true, facesArea: false });
  });

  it('camera exactly at the incident centre, zero uncertainty', () => {
    expect(relateWedgeToCircle(cam(), { ...DC, accuracyM: 0 })).toMatchObject({ intersects: true, distanceM: 0, facesArea: true });
  });

  it('wedge crossing north (bearing 350, fov 40) sees 5° and 345° but not 15° or 325°', () => {
    const c = cam({ bearingDeg: 350, fovDeg: 40 });
    expect(wedgeIntersectsCircle(c, at(c, 50, 5))).toBe(true);
    expect(wedgeIntersectsCircle(c, at(c, 50, 9.9))).toBe(true);
    expect(wedgeIntersectsCircle(c, at(c, 50, 345))).toBe(true);
    expect(wedgeIntersectsCircle(c, at(c, 50, 15))).toBe(false);
    expect(wedgeIntersectsCircle(c, at(c, 50, 325))).toBe(false);
  });

  it('bearing 0 and bearing 360 are the same wedge', () => {
    for (const b of [355, 0, 5, 20]) {
      const area = at(cam(), 60, b, 3);
      expect(wedgeIntersectsCircle(cam({ bearingDeg: 0, fovDeg: 30 }), area)).toBe(wedgeIntersectsCircle(cam({ bearingDeg: 360, fovDeg: 30 }), area));
    }
  });

  it('360° camera sees all around up to its range, and no further, with every direction on its axis', () => {
    const c = cam({ fovDeg: 360 });
    for (const b of [0, 90, 180, 270, 359]) {
      expect(relateWedgeToCircle(c, at(c, 99, b))).toMatchObject({ intersects: true, facesArea: true, offAxisDeg: 0 });
      expect(wedgeIntersectsCircle(c, at(c, 100.01, b))).toBe(false);
    }
  });

  it(`counts a point exactly on the range boundary or on an edge as inside (tolerance ${BOUNDARY_TOLERANCE_M} m)`, () => {
    const c = cam();
    expect(wedgeContainsPoint(c, destinationPoint(c, 100, 90))).toBe(true);
    expect(wedgeContainsPoint(c, destinationPoint(c, 100, 120))).toBe(true); // arc ∩ edge corner
    expect(wedgeContainsPoint(c, destinationPoint(c, 50, 60))).toBe(true);
    expect(wedgeContainsPoint(c, destinationPoint(c, 100 + 10 * BOUNDARY_TOLERANCE_M, 90))).toBe(false);
    expect(wedgeContainsPoint(c, destinationPoint(c, 50, 59.99))).toBe(false); // ≈ 8.7 mm off the edge
  });

  it('narrowest wedge (1°) and a wedge wider than a half-plane (300°)', () => {
    const narrow = cam({ bearingDeg: 45, fovDeg: 1 });
    expect(wedgeIntersectsCircle(narrow, at(narrow, 80, 45))).toBe(true);
    expect(wedgeIntersectsCircle(narrow, at(narrow, 80, 47))).toBe(false);
    // 1.5° past the edge at 80 m: cross-track 80·sin 1.5° ≈ 2.094 m.
    expect(wedgeIntersectsCircle(narrow, at(narrow, 80, 47, 2.1))).toBe(true);
    expect(wedgeIntersectsCircle(narrow, at(narrow, 80, 47, 2.09))).toBe(false);
    const wide = cam({ bearingDeg: 0, fovDeg: 300 }); // blind between 150° and 210°
    expect(wedgeIntersectsCircle(wide, at(wide, 50, 140))).toBe(true);
    expect(wedgeIntersectsCircle(wide, at(wide, 50, 180))).toBe(false);
    expect(wedgeIntersectsCircle(wide, at(wide, 50, 180, 50 * Math.sin(Math.PI / 6) + 0.01))).toBe(true);
  });

  it('matchCameraToArea applies the search radius to the circle’s near edge', () => {
    const c = cam({ rangeM: 300, fovDeg: 360 });
    expect(matchCameraToArea(c, at(c, 280, 0, 30), 250)).toBeDefined();
    expect(matchCameraToArea(c, at(c, 281, 0, 30), 250)).toBeUndefined();
    expect(matchCameraToArea(c, at(c, 281, 0, 30), 300)).toBeDefined();
  });
});

// Independent oracle: the wedge described by sampled boundary points, using only distance/bearing/destination.
function oracleContains(c: CameraFieldOfView, p: LatLng): boolean {
  const d = distanceM(c, p);
  if (d === 0) return true;
  return d <= c.rangeM && (c.fovDeg >= 360 || Math.abs(angleDifferenceDeg(c.bearingDeg, initialBearingDeg(c, p))) <= c.fovDeg / 2);
}

function sampledBoundary(c: CameraFieldOfView, samples: number): { points: LatLng[]; spacingM: number } {
  const half = c.fovDeg / 2;
  const points: LatLng[] = [];
  for (let i = 0; i <= samples; i++) {
    const s = (c.rangeM * i) / samples;
    if (c.fovDeg < 360) points.push(destinationPoint(c, s, c.bearingDeg - half), destinationPoint(c, s, c.bearingDeg + half));
    points.push(destinationPoint(c, c.rangeM, c.bearingDeg - half + (c.fovDeg * i) / samples));
  }
  const arcM = (c.rangeM * c.fovDeg * Math.PI) / 180;
  return { points, spacingM: Math.max(c.rangeM, arcM) / samples };
}

/** Uniform over [min, max]; fc.double is spread over the float bit patterns and so crowds towards zero. */
const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((i) => min + ((max - min) * i) / (1 << 30));

describe('wedgeIntersectsCircle — against dense sampling of the wedge', () => {
  const camera = fc.record({
    lat: fc.oneof({ weight: 4, arbitrary: uniform(-80, 80) }, fc.constantFrom(38.9, 0, 89.9, -89.9)),
    lng: fc.oneof({ weight: 4, arbitrary: uniform(-180, 180) }, fc.constantFrom(180, -180, 179.9999)),
    bearingDeg: fc.oneof({ weight: 4, arbitrary: uniform(0, 360) }, fc.constantFrom(0, 350, 360)),
    fovDeg: fc.oneof({ weight: 4, arbitrary: uniform(1, 360) }, fc.constantFrom(1, 40, 90, 180, 359, 360)),
    rangeM: uniform(1, 500),
  });

  it('agrees with the sampled minimum distance from the incident centre to the wedge', () => {
    fc.assert(
      fc.property(camera, uniform(0, 1.6), uniform(0, 360), uniform(0, 1), (c, distFactor, b, accFactor) => {
        const centre = destinationPoint(c, c.rangeM * distFactor, b);
        const accuracyM = c.rangeM * accFactor * accFactor; // squares bias towards small circles
        const rel = relateWedgeToCircle(c, { ...centre, accuracyM });
        const { points, spacingM } = sampledBoundary(c, 1_000);
        let sampledMinM = oracleContains(c, centre) ? 0 : Infinity;
        for (const p of points) sampledMinM = Math.min(sampledMinM, distanceM(centre, p));
        // Sampled boundary points are real wedge points, so the sampled minimum is an upper bound of the true
        // minimum and overshoots it by at most half a sample spacing.
        if (sampledMinM <= accuracyM) expect(rel.intersects).toBe(true);
        if (sampledMinM - spacingM / 2 > accuracyM + BOUNDARY_TOLERANCE_M) expect(rel.intersects).toBe(false);
        expect(rel.distanceM).toBeCloseTo(distanceM(c, centre), 6);
      }),
      { numRuns: 600 },
    );
  });

  it('facesArea says whether the centre’s bearing lies within the wedge angle', () => {
    fc.assert(
      fc.property(camera, uniform(0.5, 1), uniform(0, 360), (c, f, b) => {
        const centre = destinationPoint(c, c.rangeM * f, b);
        const rel = relateWedgeToCircle(c, { ...centre, accuracyM: 0 });
        const off = Math.abs(angleDifferenceDeg(c.bearingDeg, initialBearingDeg(c, centre)));
        // Skip bearings within 1e-9° of an edge, where the two computations may round differently.
        if (Math.abs(off - c.fovDeg / 2) > 1e-9) expect(rel.facesArea).toBe(c.fovDeg >= 360 || off <= c.fovDeg / 2);
        expect(rel.intersects).toBe(rel.facesArea || distanceM(c, centre) <= BOUNDARY_TOLERANCE_M || edgeHugging(c, centre));
      }),
      { numRuns: 2_000 },
    );
  });
});

/** True when a point outside the wedge angle is still within the tolerance of an edge line. */
function edgeHugging(c: CameraFieldOfView, p: LatLng): boolean {
  const d = distanceM(c, p);
  const off = Math.abs(angleDifferenceDeg(c.bearingDeg, initialBearingDeg(c, p))) - c.fovDeg / 2;
  return off > 0 && off < 90 && d * Math.sin((off * Math.PI) / 180) <= BOUNDARY_TOLERANCE_M;
}

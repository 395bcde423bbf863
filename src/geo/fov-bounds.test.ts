// The trig-free bounds in fov.ts settle most wedge-edge tests without trigonometry; they must never change an
// answer. This compares the predicate with the plain computation it replaced (kept below, verbatim in substance),
// field for field and bit for bit, on circles sized to end within a hair of the wedge's edge. It uses the same
// trigonometry (trig.ts, tested against the engine's on its own), so that only the bounds are under test.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BOUNDARY_TOLERANCE_M, relateWedgeToCircle, type CameraFieldOfView, type IncidentArea, type WedgeRelation } from './fov.js';
import { EARTH_RADIUS_M, angleDifferenceDeg, destinationPoint } from './sphere.js';
import { atan2Of, haversineAngleRad, sinOf } from './trig.js';

const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** The wedge–circle relation computed with full trigonometry for every case, as before the bounds. */
function plainRelation(c: CameraFieldOfView, area: IncidentArea): WedgeRelation {
  const phiA = area.lat * RAD;
  const sinLat = Math.sin(phiA);
  const cosLat = Math.cos(phiA);
  let dLngDeg = area.lng - c.lng;
  if (dLngDeg > 180) dLngDeg -= 360;
  else if (dLngDeg < -180) dLngDeg += 360;
  const sHalfLat = sinOf((area.lat - c.lat) * RAD * 0.5);
  const sHalfLng = sinOf(dLngDeg * RAD * 0.5);
  const sinDLat = 2 * sHalfLat * Math.sqrt(1 - sHalfLat * sHalfLat);
  const cosDLat = 1 - 2 * sHalfLat * sHalfLat;
  const sinPhi = sinLat * cosDLat - cosLat * sinDLat;
  const cosPhi = Math.max(0, cosLat * cosDLat + sinLat * sinDLat);
  const h = sHalfLat * sHalfLat + cosPhi * cosLat * sHalfLng * sHalfLng;
  const dRad = haversineAngleRad(h);
  const distM = dRad * EARTH_RADIUS_M;
  const reachM = area.accuracyM + BOUNDARY_TOLERANCE_M;
  if (distM > c.rangeM + reachM) return { intersects: false, distanceM: distM, facesArea: false, offAxisDeg: 180 };
  if (distM === 0) return { intersects: true, distanceM: 0, facesArea: true, offAxisDeg: 0 };
  if (c.fovDeg >= 360) return { intersects: true, distanceM: distM, facesArea: true, offAxisDeg: 0 };
  const sinDLng = 2 * sHalfLng * Math.sqrt(1 - sHalfLng * sHalfLng);
  const cosDLng = 1 - 2 * sHalfLng * sHalfLng;
  const bearingToCentreRad = atan2Of(sinDLng * cosLat, cosPhi * sinLat - sinPhi * cosLat * cosDLng);
  const offAxisDeg = Math.abs(angleDifferenceDeg(c.bearingDeg, bearingToCentreRad * DEG));
  const halfFovDeg = c.fovDeg / 2;
  if (offAxisDeg <= halfFovDeg) return { intersects: true, distanceM: distM, facesArea: true, offAxisDeg };
  if (distM <= reachM) return { intersects: true, distanceM: distM, facesArea: false, offAxisDeg };
  const edgeDistM = distanceToEdgeRad(dRad, (offAxisDeg - halfFovDeg) * RAD, c.rangeM / EARTH_RADIUS_M) * EARTH_RADIUS_M;
  return { intersects: edgeDistM <= reachM, distanceM: distM, facesArea: false, offAxisDeg };
}

function distanceToEdgeRad(apexDistRad: number, angleRad: number, lengthRad: number): number {
  if (angleRad >= Math.PI / 2) return apexDistRad;
  const sinD = Math.sin(apexDistRad);
  const alongRad = Math.atan2(sinD * Math.cos(angleRad), Math.cos(apexDistRad));
  if (alongRad <= lengthRad) return Math.asin(Math.min(1, sinD * Math.sin(angleRad)));
  const sinHalfDiff = Math.sin((apexDistRad - lengthRad) / 2);
  const sinHalfAngle = Math.sin(angleRad / 2);
  const h = sinHalfDiff * sinHalfDiff + sinD * Math.sin(lengthRad) * sinHalfAngle * sinHalfAngle;
  return 2 * Math.asin(Math.min(1, Math.sqrt(h)));
}

const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((i) => min + ((max - min) * i) / (1 << 30));

describe('the bounds that settle wedge-edge tests', () => {
  const camera = fc.record({
    lat: fc.oneof({ weight: 4, arbitrary: uniform(-80, 80) }, fc.constantFrom(38.9, 0, 89.99, -89.99)),
    lng: fc.oneof({ weight: 4, arbitrary: uniform(-180, 180) }, fc.constantFrom(180, -180)),
    bearingDeg: uniform(0, 360),
    fovDeg: fc.oneof({ weight: 4, arbitrary: uniform(1, 359) }, fc.constantFrom(1, 90, 180, 359)),
    rangeM: fc.oneof({ weight: 4, arbitrary: uniform(1, 600) }, fc.constantFrom(8, 250, 1_500, 20_000)),
  });

  it('never change an answer, even for circles that end within a hair of the edge', () => {
    let edgeCases = 0;
    let grazing = 0;
    fc.assert(
      fc.property(
        camera,
        // Past the edge by θ, on either side, at a distance from short of the apex to beyond the range.
        fc.oneof(uniform(0, 2), uniform(0, 100)),
        fc.boolean(),
        fc.oneof(uniform(0, 1.5), uniform(0.95, 1.05)),
        // The circle's radius: the edge distance times (1 + ε), plus δ metres.
        fc.oneof(fc.constant(0), uniform(-1e-6, 1e-6), uniform(-1e-3, 1e-3)),
        fc.oneof(fc.constant(0), uniform(-1, 1), uniform(-1e-8, 1e-8)),
        (c, thetaDeg, left, distFactor, eps, deltaM) => {
          const half = c.fovDeg / 2;
          const centre = destinationPoint(c, c.rangeM * distFactor, c.bearingDeg + (left ? -1 : 1) * (half + thetaDeg));
          // A circle large enough that the off-axis angle is computed whatever the distance.
          const probe = plainRelation(c, { ...centre, accuracyM: 1e7 });
          const edgeM =
            probe.offAxisDeg > half ? distanceToEdgeRad(probe.distanceM / EARTH_RADIUS_M, (probe.offAxisDeg - half) * RAD, c.rangeM / EARTH_RADIUS_M) * EARTH_RADIUS_M : 0;
          const area = { ...centre, accuracyM: Math.max(0, edgeM * (1 + eps) + deltaM - BOUNDARY_TOLERANCE_M) };
          const expected = plainRelation(c, area);
          expect(relateWedgeToCircle(c, area)).toEqual(expected);
          if (!expected.facesArea && expected.distanceM > area.accuracyM + BOUNDARY_TOLERANCE_M && expected.offAxisDeg < 180) {
            edgeCases++;
            if (expected.intersects) grazing++;
          }
        },
      ),
      { numRuns: 20_000 },
    );
    // The comparison is not vacuous: many cases reach the edge test, and it goes both ways.
    expect(edgeCases).toBeGreaterThan(5_000);
    expect(grazing).toBeGreaterThan(1_000);
    expect(edgeCases - grazing).toBeGreaterThan(1_000);
  });
});

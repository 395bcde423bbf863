import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DistanceLowerBound,
  EARTH_RADIUS_M,
  angleDifferenceDeg,
  boundingBoxesAround,
  boxContains,
  destinationPoint,
  distanceM,
  initialBearingDeg,
  normalizeBearingDeg,
  normalizeLngDeg,
  type LatLng,
} from './sphere.js';

const latitude = fc.double({ min: -89.9, max: 89.9, noNaN: true });
const longitude = fc.double({ min: -180, max: 180, noNaN: true });
const point = fc.record({ lat: latitude, lng: longitude });
const bearing = fc.double({ min: 0, max: 359.999999, noNaN: true });

describe('distanceM', () => {
  it('is zero for the same point and R·Δφ along a meridian', () => {
    expect(distanceM({ lat: 38.9, lng: -77 }, { lat: 38.9, lng: -77 })).toBe(0);
    expect(distanceM({ lat: 0, lng: 0 }, { lat: 1, lng: 0 })).toBeCloseTo((EARTH_RADIUS_M * Math.PI) / 180, 6);
  });

  it('matches a known city distance: White House to the Capitol ≈ 2.6 km', () => {
    const whiteHouse = { lat: 38.8977, lng: -77.0365 };
    const capitol = { lat: 38.8899, lng: -77.0091 };
    expect(distanceM(whiteHouse, capitol)).toBeGreaterThan(2_500);
    expect(distanceM(whiteHouse, capitol)).toBeLessThan(2_600);
  });

  it('is accurate at a millimetre and across the antimeridian', () => {
    // 1 mm north: Δφ = 1e-3 / R radians.
    const b = { lat: (1e-3 / EARTH_RADIUS_M) * (180 / Math.PI), lng: 0 };
    expect(distanceM({ lat: 0, lng: 0 }, b)).toBeCloseTo(1e-3, 12);
    const oneDegAtEquator = (EARTH_RADIUS_M * Math.PI) / 180;
    expect(distanceM({ lat: 0, lng: 179.5 }, { lat: 0, lng: -179.5 })).toBeCloseTo(oneDegAtEquator, 6);
  });

  it('is symmetric and obeys the triangle inequality', () => {
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        expect(distanceM(a, b)).toBeCloseTo(distanceM(b, a), 6);
        expect(distanceM(a, c)).toBeLessThanOrEqual(distanceM(a, b) + distanceM(b, c) + 1e-6);
      }),
    );
  });
});

describe('initialBearingDeg', () => {
  it('points to the cardinal directions', () => {
    const o = { lat: 10, lng: 20 };
    expect(initialBearingDeg(o, { lat: 11, lng: 20 })).toBeCloseTo(0, 9);
    expect(initialBearingDeg(o, { lat: 9, lng: 20 })).toBeCloseTo(180, 9);
    expect(initialBearingDeg({ lat: 0, lng: 0 }, { lat: 0, lng: 1 })).toBeCloseTo(90, 9);
    expect(initialBearingDeg({ lat: 0, lng: 0 }, { lat: 0, lng: -1 })).toBeCloseTo(270, 9);
  });

  it('stays in [0, 360)', () => {
    fc.assert(
      fc.property(point, point, (a, b) => {
        const deg = initialBearingDeg(a, b);
        expect(deg).toBeGreaterThanOrEqual(0);
        expect(deg).toBeLessThan(360);
      }),
    );
  });
});

describe('destinationPoint', () => {
  it('round-trips: distance and bearing back from the destination equal the inputs', () => {
    fc.assert(
      fc.property(point, fc.double({ min: 0.01, max: 50_000, noNaN: true }), bearing, (from, d, b) => {
        const to = destinationPoint(from, d, b);
        expect(Math.abs(distanceM(from, to) - d)).toBeLessThan(1e-6);
        // Judge the bearing by how far off the intended line it puts the destination: under a micrometre.
        const bearingErrorRad = (Math.abs(angleDifferenceDeg(b, initialBearingDeg(from, to))) * Math.PI) / 180;
        expect(bearingErrorRad * d).toBeLessThan(1e-6);
      }),
      { numRuns: 2_000 },
    );
  });

  it('wraps longitude over the antimeridian', () => {
    const to = destinationPoint({ lat: 0, lng: 179.9999 }, 1_000, 90);
    expect(to.lng).toBeLessThan(-179.99);
    expect(to.lng).toBeGreaterThanOrEqual(-180);
  });
});

describe('angle helpers', () => {
  it('normalizes bearings, longitudes and differences', () => {
    expect(normalizeBearingDeg(-10)).toBe(350);
    expect(normalizeBearingDeg(360)).toBe(0);
    expect(normalizeBearingDeg(-1e-20)).toBe(0);
    expect(normalizeLngDeg(181)).toBeCloseTo(-179, 12);
    expect(normalizeLngDeg(-540)).toBe(-180);
    expect(normalizeLngDeg(180)).toBe(180);
    expect(angleDifferenceDeg(350, 10)).toBe(20);
    expect(angleDifferenceDeg(10, 350)).toBe(-20);
    expect(angleDifferenceDeg(0, 180)).toBe(180);
  });
});

describe('boundingBoxesAround', () => {
  const inAnyBox = (boxes: ReturnType<typeof boundingBoxesAround>, p: LatLng) => boxes.some((b) => boxContains(b, p.lat, p.lng));

  it('contains every point of the cap, including at high latitude and across the antimeridian', () => {
    const centre = fc.oneof(
      point,
      fc.record({ lat: fc.double({ min: 80, max: 90, noNaN: true }), lng: longitude }),
      fc.record({ lat: latitude, lng: fc.constantFrom(-180, -179.9999, 179.9999, 180) }),
    );
    fc.assert(
      fc.property(centre, fc.double({ min: 0, max: 20_000, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), bearing, (c, r, f, b) => {
        const p = destinationPoint(c, r * f, b);
        expect(inAnyBox(boundingBoxesAround(c, r), p)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
  });

  it('is tight: the extreme points of the cap lie on the box edges', () => {
    const c = { lat: 60, lng: 10 };
    const [box] = boundingBoxesAround(c, 10_000);
    const north = destinationPoint(c, 10_000, 0);
    expect(box!.maxLat - north.lat).toBeLessThan(1e-8);
    // The widest point is slightly poleward of the east bearing, so probe bearings around 90°.
    let maxLng = -Infinity;
    for (let b = 80; b <= 100; b += 0.001) maxLng = Math.max(maxLng, destinationPoint(c, 10_000, b).lng);
    expect(box!.maxLng - maxLng).toBeGreaterThanOrEqual(0);
    expect(box!.maxLng - maxLng).toBeLessThan(1e-7);
  });

  it('splits at the antimeridian and covers all longitudes around a pole', () => {
    expect(boundingBoxesAround({ lat: 0, lng: 179.999 }, 1_000)).toHaveLength(2);
    expect(boundingBoxesAround({ lat: 0, lng: -179.999 }, 1_000)).toHaveLength(2);
    const [polar] = boundingBoxesAround({ lat: 89.999, lng: 0 }, 1_000);
    expect(polar).toMatchObject({ minLng: -180, maxLng: 180, maxLat: 90 });
  });
});

describe('DistanceLowerBound', () => {
  const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((i) => min + ((max - min) * i) / (1 << 30));
  const centre = fc.oneof(
    fc.record({ lat: uniform(-85, 85), lng: uniform(-180, 180) }),
    fc.record({ lat: fc.constantFrom(89.999, -89.999, 0), lng: fc.constantFrom(180, -180, 179.9999, 0) }),
  );

  it('never calls a point within D farther than D, and calls every point beyond 1.01·D farther (below 70°)', () => {
    const reused = new DistanceLowerBound();
    fc.assert(
      // Due north/south the latitude term alone must carry the bound, so its sin x ≥ x − x³/6 step is exposed.
      fc.property(centre, fc.oneof(uniform(1, 3_000), uniform(3_000, 3_000_000)), uniform(0, 1.5), fc.oneof(uniform(0, 360), fc.constantFrom(0, 180)), (c, boxRadiusM, f, b) => {
        const boxes = boundingBoxesAround(c, boxRadiusM);
        const p = destinationPoint(c, boxRadiusM * f, b);
        if (!boxes.some((box) => boxContains(box, p.lat, p.lng))) return; // outside the promised region
        const d = distanceM(c, p);
        const sut = new DistanceLowerBound(c, boxes);
        // A bound re-aimed from an earlier centre (as the index keeps one) is the same bound.
        expect(reused.aim(c, boxes)).toMatchObject({ lat0: sut.lat0, lng0: sut.lng0, cosMinSq: sut.cosMinSq });
        for (const limitM of [d, d * (1 + 1e-12), d + 1e-6, boxRadiusM]) {
          if (d <= limitM) expect(sut.isCertainlyFartherThan(p.lat, p.lng, limitM)).toBe(false);
        }
        // Tight away from the poles, where the band's smallest cos φ is close to the points' own.
        if (Math.abs(c.lat) < 70 && boxRadiusM <= 3_000 && d > 0.01) expect(sut.isCertainlyFartherThan(p.lat, p.lng, d / 1.01)).toBe(true);
      }),
      { numRuns: 5_000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CameraIndex, type CameraForIndex, type CameraMatch } from './camera-index.js';
import { BOUNDARY_TOLERANCE_M, matchCameraToArea, type IncidentArea } from './fov.js';
import { compareByUsefulness, usefulnessScore, type CameraTier } from './ranking.js';
import { destinationPoint, type LatLng } from './sphere.js';
import { SyntheticCity } from './synthetic-city.js';

/** The oracle: every camera, the shared exact predicate, the shared ranking. No spatial search at all. */
function bruteForce(cameras: Iterable<CameraForIndex>, area: IncidentArea, searchRadiusM: number): CameraMatch[] {
  const out: CameraMatch[] = [];
  for (const camera of cameras) {
    const rel = matchCameraToArea(camera, area, searchRadiusM);
    if (rel) out.push({ camera, distanceM: rel.distanceM, facesArea: rel.facesArea, offAxisDeg: rel.offAxisDeg, score: usefulnessScore(rel, camera.fovDeg, camera.tier) });
  }
  return out.sort(compareByUsefulness);
}

const ids = (matches: readonly CameraMatch[]) => matches.map((m) => m.camera.id);
const asColumns = (matches: readonly CameraMatch[]) => ({
  cameras: matches.map((m) => m.camera),
  distanceM: matches.map((m) => m.distanceM),
  facesArea: matches.map((m) => m.facesArea),
  offAxisDeg: matches.map((m) => m.offAxisDeg),
  score: matches.map((m) => m.score),
});
const uniform = (min: number, max: number) => fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((i) => min + ((max - min) * i) / (1 << 30));

const DC = { lat: 38.9, lng: -77.03 };
const camera = (id: string, over: Partial<CameraForIndex> = {}): CameraForIndex => ({ id, ...DC, bearingDeg: 0, fovDeg: 90, rangeM: 100, tier: 'registered', ...over });
const near = (from: LatLng, distM: number, bearingDeg: number, accuracyM = 0): IncidentArea => ({ ...destinationPoint(from, distM, bearingDeg), accuracyM });

describe('CameraIndex agrees exactly with brute force', () => {
  // Centres chosen for trouble: a city, the antimeridian, near each pole.
  const centres: LatLng[] = [DC, { lat: 0.001, lng: 179.9995 }, { lat: 89.995, lng: 45 }, { lat: -89.99, lng: -179.9999 }];
  const tier = fc.constantFrom<CameraTier>('registered', 'integrated', 'city');
  const placement = fc.record({ distM: uniform(0, 1_200), bearingDeg: uniform(0, 360) });
  const fov = fc.record({
    bearingDeg: fc.oneof({ weight: 3, arbitrary: uniform(0, 360) }, fc.constantFrom(0, 350, 360)),
    fovDeg: fc.oneof({ weight: 3, arbitrary: uniform(1, 360) }, fc.constantFrom(1, 40, 360)),
    // 16 and 32 sit exactly on range-class limits.
    rangeM: fc.oneof({ weight: 3, arbitrary: uniform(1, 600) }, fc.constantFrom(16, 32, 1_500)),
    tier,
  });
  const idOf = fc.integer({ min: 0, max: 59 }).map((i) => `cam-${i}`);
  const op = fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('upsert' as const), id: idOf, at: placement, fov, samePlaceAs: fc.option(idOf) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('retune' as const), id: idOf, fov }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: idOf }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('query' as const),
        at: fc.record({ distM: uniform(0, 900), bearingDeg: uniform(0, 360) }),
        accuracyM: fc.oneof(fc.constant(0), uniform(0, 200)),
        searchRadiusM: fc.oneof(uniform(0, 900), fc.constant(250)),
      }),
    },
    {
      // Aimed at one camera's wedge, slightly beyond its range and angle, so that boundaries get exercised.
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('queryNear' as const),
        id: idOf,
        rangeFactor: uniform(0, 1.2),
        angleFactor: uniform(-0.6, 0.6),
        accuracyM: fc.oneof(fc.constant(0), uniform(0, 30)),
        searchRadiusM: fc.oneof(uniform(0, 900), fc.constant(250)),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
  );

  it('under random upserts, moves, removes and queries, at several overlay limits', () => {
    let queries = 0;
    let nonEmpty = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...centres),
        fc.array(fc.record({ at: placement, fov }), { minLength: 5, maxLength: 60 }),
        fc.array(op, { minLength: 5, maxLength: 80 }),
        fc.constantFrom(1, 3, 1_024),
        (centre, initial, ops, overlayLimit) => {
          const live = new Map<string, CameraForIndex>();
          initial.forEach((c, i) => live.set(`cam-${i}`, { id: `cam-${i}`, ...destinationPoint(centre, c.at.distM, c.at.bearingDeg), ...c.fov }));
          const sut = CameraIndex.build([...live.values()], { overlayLimit });
          for (const o of ops) {
            if (o.kind === 'upsert') {
              // Sometimes land exactly on another camera's point: duplicate positions.
              const twin = o.samePlaceAs === null ? undefined : live.get(o.samePlaceAs);
              const where = twin ? { lat: twin.lat, lng: twin.lng } : destinationPoint(centre, o.at.distM, o.at.bearingDeg);
              const c = { id: o.id, ...where, ...o.fov };
              live.set(o.id, c);
              sut.upsert(c);
            } else if (o.kind === 'retune') {
              const old = live.get(o.id);
              if (!old) continue;
              const c = { ...old, ...o.fov };
              live.set(o.id, c);
              sut.upsert(c);
            } else if (o.kind === 'remove') {
              expect(sut.remove(o.id)).toBe(live.delete(o.id));
            } else if (o.kind === 'compact') {
              sut.compact();
            } else {
              let area: IncidentArea;
              if (o.kind === 'query') area = { ...destinationPoint(centre, o.at.distM, o.at.bearingDeg), accuracyM: o.accuracyM };
              else {
                const target = live.get(o.id);
                if (!target) continue;
                area = near(target, target.rangeM * o.rangeFactor, target.bearingDeg + target.fovDeg * o.angleFactor, o.accuracyM);
              }
              const expected = ids(bruteForce(live.values(), area, o.searchRadiusM));
              expect(ids(sut.findCamerasThatCouldSee(area, o.searchRadiusM))).toEqual(expected);
              queries++;
              if (expected.length > 0) nonEmpty++;
            }
            expect(sut.size).toBe(live.size);
          }
          for (const [id, c] of live) expect(sut.get(id)).toBe(c);
          expect(new Set([...sut.cameras()].map((c) => c.id))).toEqual(new Set(live.keys()));
        },
      ),
      { numRuns: 400 },
    );
    expect(nonEmpty / queries).toBeGreaterThan(0.3); // the comparison is not vacuous
  });

  it('where the planar facing test is least accurate (69.9° N, a search reaching 3 km): wedges whose edge passes the incident circle within a degree or two', () => {
    const centre = { lat: 69.9, lng: 20 };
    const wedge = fc.record({
      // Between the circle's edge and the search radius beyond it, where a wedge's facing decides.
      beyondM: uniform(0, 1),
      bearingDeg: uniform(0, 360),
      fovDeg: uniform(1, 359),
      side: fc.constantFrom(-1, 1),
      offDeg: uniform(-2, 2),
      rangeFactor: uniform(0.9, 1.5),
    });
    fc.assert(
      fc.property(fc.array(wedge, { minLength: 1, maxLength: 40 }), uniform(0, 2_700), uniform(0, 300), (specs, accuracyM, searchRadiusM) => {
        const cams = specs.map((w, i) => {
          const distM = accuracyM + w.beyondM * searchRadiusM;
          // The edge nearer the centre, turned to pass the circle at about its radius (offDeg either way).
          const tangentDeg = distM > accuracyM ? (Math.asin(accuracyM / distM) * 180) / Math.PI : 90;
          const bearingDeg = (((w.bearingDeg + 180 + w.side * (w.fovDeg / 2 + tangentDeg + w.offDeg)) % 360) + 360) % 360;
          return camera(`c${i}`, { ...destinationPoint(centre, distM, w.bearingDeg), bearingDeg, fovDeg: w.fovDeg, rangeM: Math.max(1, distM * w.rangeFactor) });
        });
        const area = { ...centre, accuracyM };
        expect(ids(CameraIndex.build(cams).findCamerasThatCouldSee(area, searchRadiusM))).toEqual(ids(bruteForce(cams, area, searchRadiusM)));
      }),
      { numRuns: 400 },
    );
  });

  it('on 20,000 synthetic cameras over Washington, DC (whole match objects, ranking included)', () => {
    const city = new SyntheticCity(7);
    const cams = Array.from({ length: 20_000 }, () => city.camera());
    const sut = CameraIndex.build(cams);
    let nonEmpty = 0;
    for (let q = 0; q < 300; q++) {
      const area = city.incident(q % 5 === 0 ? 0 : (q % 7) * 15);
      const got = sut.findCamerasThatCouldSee(area, 250);
      expect(got).toEqual(bruteForce(cams, area, 250));
      // The columns form is the same answer, entry for entry.
      expect(sut.findMatchColumns(area, 250)).toEqual(asColumns(got));
      if (got.length > 0) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(100); // the comparison is not vacuous
  });
});

describe('CameraIndex named cases', () => {
  it('empty index', () => {
    const sut = CameraIndex.build([]);
    expect(sut.size).toBe(0);
    expect(sut.findCamerasThatCouldSee({ ...DC, accuracyM: 50 }, 250)).toEqual([]);
    expect(sut.memoryUsage().bytesPerCamera).toBe(0);
  });

  it('wedge crossing north (bearing 350, fov 40)', () => {
    const c = camera('north', { bearingDeg: 350, fovDeg: 40 });
    const sut = CameraIndex.build([c]);
    expect(ids(sut.findCamerasThatCouldSee(near(c, 50, 5), 250))).toEqual(['north']);
    expect(ids(sut.findCamerasThatCouldSee(near(c, 50, 335), 250))).toEqual(['north']);
    expect(ids(sut.findCamerasThatCouldSee(near(c, 50, 20), 250))).toEqual([]);
  });

  it('360° camera sees behind itself', () => {
    const sut = CameraIndex.build([camera('ptz', { fovDeg: 360, bearingDeg: 90 })]);
    expect(sut.findCamerasThatCouldSee(near(DC, 60, 270), 250)[0]).toMatchObject({ facesArea: true });
  });

  it('zero uncertainty: only the centre point counts', () => {
    const sut = CameraIndex.build([camera('c', { bearingDeg: 0, fovDeg: 90 })]);
    expect(sut.findCamerasThatCouldSee(near(DC, 50, 44), 250)).toHaveLength(1);
    expect(sut.findCamerasThatCouldSee(near(DC, 50, 46), 250)).toHaveLength(0);
    expect(sut.findCamerasThatCouldSee(near(DC, 50, 46, 1), 250)).toHaveLength(1);
  });

  it(`incident exactly on the range boundary is included; ${10 * BOUNDARY_TOLERANCE_M} m beyond is not`, () => {
    const sut = CameraIndex.build([camera('c', { rangeM: 100 })]);
    expect(sut.findCamerasThatCouldSee(near(DC, 100, 0), 250)).toHaveLength(1);
    expect(sut.findCamerasThatCouldSee(near(DC, 100 + 10 * BOUNDARY_TOLERANCE_M, 0), 250)).toHaveLength(0);
    expect(sut.findCamerasThatCouldSee(near(DC, 130, 0, 30), 250)).toHaveLength(1);
  });

  it('search radius applies to the circle’s near edge: 280 m away with 30 m uncertainty is within 250 m', () => {
    const sut = CameraIndex.build([camera('far', { rangeM: 400 })]);
    expect(sut.findCamerasThatCouldSee(near(DC, 280, 0, 30), 250)).toHaveLength(1);
    expect(sut.findCamerasThatCouldSee(near(DC, 281, 0, 30), 250)).toHaveLength(0);
  });

  it('camera at the incident centre', () => {
    const sut = CameraIndex.build([camera('here', { bearingDeg: 180 })]);
    expect(sut.findCamerasThatCouldSee({ ...DC, accuracyM: 0 }, 0)).toMatchObject([{ distanceM: 0, facesArea: true }]);
  });

  it('duplicate points: every camera on the same spot is returned', () => {
    const sut = CameraIndex.build([camera('a'), camera('b', { tier: 'city' }), camera('c', { bearingDeg: 180 })]);
    expect(ids(sut.findCamerasThatCouldSee(near(DC, 30, 0), 250))).toEqual(['b', 'a']);
  });

  it('a removed camera is never returned, before or after compaction', () => {
    const sut = CameraIndex.build([camera('gone'), camera('kept', { bearingDeg: 10 })], { overlayLimit: 1 });
    expect(sut.remove('gone')).toBe(true);
    expect(sut.remove('gone')).toBe(false);
    expect(ids(sut.findCamerasThatCouldSee(near(DC, 30, 0), 250))).toEqual(['kept']);
    sut.compact();
    expect(ids(sut.findCamerasThatCouldSee(near(DC, 30, 0), 250))).toEqual(['kept']);
    expect(sut.get('gone')).toBeUndefined();
  });

  it('removing from the middle of the overlay keeps the others where they are', () => {
    const sut = CameraIndex.build<CameraForIndex>([]);
    const spots = [0, 1, 2].map((i) => destinationPoint(DC, 1_000 * i, 0));
    spots.forEach((p, i) => sut.upsert(camera(`o${i}`, p)));
    sut.remove('o0');
    expect(ids(sut.findCamerasThatCouldSee(near(spots[2]!, 30, 0), 250))).toEqual(['o2']);
    expect(ids(sut.findCamerasThatCouldSee(near(spots[1]!, 30, 0), 250))).toEqual(['o1']);
    expect(sut.findCamerasThatCouldSee(near(spots[0]!, 30, 0), 250)).toEqual([]);
  });

  it('a moved camera is returned only at its new place', () => {
    const sut = CameraIndex.build([camera('mover')]);
    const elsewhere = destinationPoint(DC, 2_000, 90);
    sut.upsert(camera('mover', elsewhere));
    expect(sut.findCamerasThatCouldSee(near(DC, 30, 0), 250)).toEqual([]);
    expect(ids(sut.findCamerasThatCouldSee(near(elsewhere, 30, 0), 250))).toEqual(['mover']);
    expect(sut.size).toBe(1);
  });

  it('a camera whose range grows past its class is still found (no stale search radius)', () => {
    const sut = CameraIndex.build([camera('grow', { rangeM: 10 }), camera('other', { rangeM: 10, lat: 38.91 })]);
    sut.upsert(camera('grow', { rangeM: 400 }));
    expect(ids(sut.findCamerasThatCouldSee(near(DC, 390, 0), 500))).toEqual(['grow']);
    expect(sut.memoryUsage()).toMatchObject({ tombstones: 1, overlayCameras: 1 });
  });

  it('ranks closer first, facing over grazing, integrated/city over registered', () => {
    const area = near(DC, 0, 0, 20);
    const at = (m: number, b: number) => destinationPoint(DC, m, b);
    const sut = CameraIndex.build([
      camera('far-facing', { ...at(80, 180), bearingDeg: 0 }),
      camera('near-facing', { ...at(30, 180), bearingDeg: 0 }),
      camera('near-grazing', { ...at(30, 180), bearingDeg: 60, fovDeg: 60 }), // centre 60° off a 30° half-angle
      camera('near-facing-city', { ...at(30, 0), bearingDeg: 180, tier: 'city' }),
    ]);
    const got = sut.findCamerasThatCouldSee(area, 250);
    expect(ids(got)).toEqual(['near-facing-city', 'near-facing', 'far-facing', 'near-grazing']);
    expect(got.find((m) => m.camera.id === 'near-grazing')?.facesArea).toBe(false);
  });

  it('limit and accept', () => {
    const sut = CameraIndex.build([camera('a'), camera('b'), camera('c')]);
    const area = near(DC, 30, 0);
    expect(ids(sut.findCamerasThatCouldSee(area, 250, { limit: 2 }))).toEqual(['a', 'b']);
    expect(ids(sut.findCamerasThatCouldSee(area, 250, { accept: (c) => c.id !== 'a' }))).toEqual(['b', 'c']);
    expect(sut.findMatchColumns(area, 250, { limit: 2 }).cameras.map((c) => c.id)).toEqual(['a', 'b']);
    expect(sut.findMatchColumns(area, 250, { accept: (c) => c.id !== 'a' })).toEqual(asColumns(sut.findCamerasThatCouldSee(area, 250, { accept: (c) => c.id !== 'a' })));
    expect(sut.findMatchColumns(area, 250, { limit: 0 })).toEqual(asColumns([]));
  });

  it('the same cameras in any order give the same answers', () => {
    const rnd = mulberry32(3);
    const cams = Array.from({ length: 500 }, (_, i) => camera(`k${i}`, { ...destinationPoint(DC, rnd() * 300, rnd() * 360), bearingDeg: rnd() * 360, fovDeg: 360 }));
    const a = CameraIndex.build(cams);
    const b = CameraIndex.build([...cams].reverse());
    for (let q = 0; q < 20; q++) {
      const area = near(DC, rnd() * 300, rnd() * 360, 20);
      expect(ids(a.findCamerasThatCouldSee(area, 250))).toEqual(ids(b.findCamerasThatCouldSee(area, 250)));
    }
  });

  it('rejects bad input with the camera named', () => {
    expect(() => CameraIndex.build([camera('x'), camera('x')])).toThrow('duplicate camera id "x"');
    expect(() => CameraIndex.build([camera('bad', { fovDeg: 0 })])).toThrow('camera "bad": fovDeg must be in [1, 360], got 0');
    expect(() => CameraIndex.build([camera('bad', { lat: Number.NaN })])).toThrow('camera "bad": lat');
    expect(() => new CameraIndex().upsert(camera('bad', { tier: 'other' as CameraTier }))).toThrow('tier');
    expect(() => new CameraIndex().findCamerasThatCouldSee({ ...DC, accuracyM: -1 }, 250)).toThrow('accuracyM');
  });

  it.each([98_305, 100_000])('stays under 64 bytes a camera beyond the camera records (%i cameras)', (n) => {
    const city = new SyntheticCity(11);
    const index = CameraIndex.build(Array.from({ length: n }, () => city.camera()));
    const mem = index.memoryUsage();
    expect(mem.cameras).toBe(n);
    expect(mem.bytesPerCamera).toBeLessThanOrEqual(64);
    // The id table has just enough buckets for the cameras and a full overlay (1,024 by default) at a load of ¾;
    // filling the overlay up to the rebuild it sets off never makes it grow.
    expect(mem.idTableBytes).toBe(4 * Math.ceil((n + 1_025) / 0.75));
    for (let i = 0; i < 1_024; i++) index.upsert(city.camera());
    expect(index.memoryUsage()).toMatchObject({ overlayCameras: 1_024, idTableBytes: mem.idTableBytes });
    index.upsert(city.camera());
    expect(index.memoryUsage()).toMatchObject({ cameras: n + 1_025, overlayCameras: 0, idTableBytes: 4 * Math.ceil((n + 1_025 + 1_025) / 0.75) });
  });
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// A deterministic synthetic city for benchmarks, demos and tests: cameras and incidents over a Washington, DC
// sized box, denser along a few busy corridors, with the mix of kinds a community camera program sees.
// Pure: the same seed always gives the same cameras.

import type { CameraForIndex } from './camera-types.js';
import type { IncidentArea } from './fov.js';
import { EARTH_RADIUS_M, type LatLng } from './sphere.js';

export const DC_BOX = { minLat: 38.79, maxLat: 38.996, minLng: -77.12, maxLng: -76.909 };

// Rough lines of busy DC streets: Georgia Ave, 16th St, K St, Pennsylvania Ave SE, Benning Rd, MLK Ave, Connecticut Ave.
const CORRIDORS: readonly (readonly [number, number, number, number])[] = [
  [38.985, -77.027, 38.915, -77.022],
  [38.99, -77.036, 38.9, -77.036],
  [38.902, -77.06, 38.9, -76.98],
  [38.886, -77.0, 38.865, -76.955],
  [38.9, -76.99, 38.89, -76.93],
  [38.87, -76.99, 38.83, -77.0],
  [38.91, -77.043, 38.97, -77.075],
];
const M_PER_DEG_LAT = (EARTH_RADIUS_M * Math.PI) / 180;
/** Share of points near a corridor, and their spread across it (metres, one standard deviation). */
const CORRIDOR_SHARE = 0.3;
const CORRIDOR_SPREAD_M = 120;

export class SyntheticCity {
  readonly #next: () => number;

  constructor(seed = 20_260_115) {
    this.#next = mulberry32(seed);
  }

  /** 70 % spread evenly over the box, 30 % scattered about a corridor. */
  point(): LatLng {
    const rnd = this.#next;
    const box = DC_BOX;
    if (rnd() >= CORRIDOR_SHARE) return { lat: this.#between(box.minLat, box.maxLat), lng: this.#between(box.minLng, box.maxLng) };
    const [lat1, lng1, lat2, lng2] = CORRIDORS[Math.floor(rnd() * CORRIDORS.length)]!;
    const t = rnd();
    const lat = lat1 + (lat2 - lat1) * t + (this.#gaussian() * CORRIDOR_SPREAD_M) / M_PER_DEG_LAT;
    const lng = lng1 + (lng2 - lng1) * t + (this.#gaussian() * CORRIDOR_SPREAD_M) / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
    return { lat: Math.min(box.maxLat, Math.max(box.minLat, lat)), lng: Math.min(box.maxLng, Math.max(box.minLng, lng)) };
  }

  /** Doorbells, fixed, domes, PTZ/fisheye and city CCTV; integrated cameras are businesses' fixed and domes. */
  camera(): CameraForIndex {
    const rnd = this.#next;
    const { lat, lng } = this.point();
    const id = this.#uuid();
    const bearingDeg = Math.floor(rnd() * 3600) / 10;
    const k = rnd();
    const between = (lo: number, hi: number) => this.#between(lo, hi);
    if (k < 0.45) return { id, lat, lng, bearingDeg, fovDeg: between(100, 160), rangeM: between(8, 20), tier: 'registered' };
    if (k < 0.7) return { id, lat, lng, bearingDeg, fovDeg: between(60, 110), rangeM: between(20, 60), tier: rnd() < 0.4 ? 'integrated' : 'registered' };
    if (k < 0.85) return { id, lat, lng, bearingDeg, fovDeg: between(80, 120), rangeM: between(15, 40), tier: rnd() < 0.4 ? 'integrated' : 'registered' };
    if (k < 0.95) return { id, lat, lng, bearingDeg, fovDeg: 360, rangeM: between(30, 120), tier: 'registered' };
    return { id, lat, lng, bearingDeg, fovDeg: rnd() < 0.5 ? 360 : between(60, 90), rangeM: between(80, 250), tier: 'city' };
  }

  incident(accuracyM: number): IncidentArea {
    return { ...this.point(), accuracyM };
  }

  #between(lo: number, hi: number): number {
    return lo + this.#next() * (hi - lo);
  }

  #gaussian(): number {
    return Math.sqrt(-2 * Math.log(1 - this.#next())) * Math.cos(2 * Math.PI * this.#next());
  }

  /** join() yields a flat string, as ids read from a database are; a template literal would leave a rope. */
  #uuid(): string {
    const hex = (n: number) =>
      Math.floor(this.#next() * 16 ** n)
        .toString(16)
        .padStart(n, '0');
    return [hex(8), hex(4), `4${hex(3)}`, `a${hex(3)}`, hex(6) + hex(6)].join('-');
  }
}

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

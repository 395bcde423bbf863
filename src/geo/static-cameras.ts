// The bulk-built, immutable-shape part of the camera index.
//
// Cameras are grouped by range class (≤16 m, ≤32 m, … doubling) with one kdbush tree per class over Float64
// lng/lat: a query searches each class only as far as that class's longest range reaches, so the many
// short-range doorbells near an incident are not all tested against a 250 m radius.
// Record slots follow each tree's kd order, and each camera's bearing, fov and range (interleaved, so one cache
// line serves all three) and tier are copied into typed arrays in that order. A query therefore walks contiguous
// memory, drops box candidates with a trig-free distance bound, runs the exact test on the copied fields, and
// never dereferences a camera object (in V8 every double field of an object is a separate heap number, so that
// would be several cache misses per candidate).
// Removals leave a tombstone (an undefined record); edits that keep the point and the range class are in place.

import KDBush from 'kdbush';
import type { CameraForIndex, CameraMatch } from './camera-types.js';
import { BOUNDARY_TOLERANCE_M, matchWedgeFieldsToArea, type PreparedArea } from './fov.js';
import { PositionList, positionsInBox } from './kd-range.js';
import { usefulnessScore, type CameraTier } from './ranking.js';
import { boundingBoxesAround, type DistanceLowerBound } from './sphere.js';

/** Upper range limits of the classes, metres; a camera goes to the first class whose limit reaches its range. */
const RANGE_CLASS_LIMITS_M = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, Infinity];
const NODE_SIZE = 32;
const TIER_CODES: readonly CameraTier[] = ['registered', 'integrated', 'city'];
const tierCode = (tier: CameraTier): number => (tier === 'registered' ? 0 : tier === 'integrated' ? 1 : 2);

interface RangeClass {
  readonly tree: KDBush;
  readonly firstSlot: number;
  readonly count: number;
  readonly maxRangeM: number;
}

export class StaticCameras<T extends CameraForIndex> {
  tombstones = 0;
  readonly #positions = new PositionList();

  private constructor(
    readonly classes: readonly RangeClass[],
    /** Slot → camera; undefined marks a tombstone. */
    readonly records: (T | undefined)[],
    /** Slot s → bearingDeg at 3s, fovDeg at 3s + 1, rangeM at 3s + 2. */
    readonly fields: Float64Array,
    readonly tier: Uint8Array,
  ) {}

  /**
   * Builds from validated cameras; slot order is a pure function of the input order. Also returns each input
   * camera's slot, so that callers can walk the cameras in input order, which is usually their order in memory.
   */
  static build<T extends CameraForIndex>(cameras: readonly T[]): { base: StaticCameras<T>; slotOfInput: Uint32Array } {
    const n = cameras.length;
    const classCount = RANGE_CLASS_LIMITS_M.length;
    const classOf = new Uint8Array(n);
    const counts = new Int32Array(classCount);
    const maxRange = new Float64Array(classCount);
    for (let i = 0; i < n; i++) {
      const r = cameras[i]!.rangeM;
      let k = 0;
      while (r > RANGE_CLASS_LIMITS_M[k]!) k++;
      classOf[i] = k;
      counts[k]!++;
      if (r > maxRange[k]!) maxRange[k] = r;
    }
    // Counting sort into class order, then each class into its tree's kd order.
    const next = new Int32Array(classCount);
    for (let k = 1; k < classCount; k++) next[k] = next[k - 1]! + counts[k - 1]!;
    const firstSlots = next.slice();
    const byClass = new Uint32Array(n);
    for (let i = 0; i < n; i++) byClass[next[classOf[i]!]!++] = i;
    const slotOfInput = new Uint32Array(n);
    const classes: RangeClass[] = [];
    for (let k = 0; k < classCount; k++) {
      const count = counts[k]!;
      if (count === 0) continue;
      const firstSlot = firstSlots[k]!;
      const tree = new KDBush(count, NODE_SIZE, Float64Array);
      for (let s = firstSlot; s < firstSlot + count; s++) {
        const c = cameras[byClass[s]!]!;
        tree.add(c.lng, c.lat);
      }
      tree.finish();
      const treeIds = tree.ids;
      for (let p = 0; p < count; p++) slotOfInput[byClass[firstSlot + treeIds[p]!]!] = firstSlot + p;
      classes.push({ tree, firstSlot, count, maxRangeM: maxRange[k]! });
    }
    // Scatter in input order: reading camera objects in the order they were allocated is far kinder to the cache.
    const records = new Array<T | undefined>(n).fill(undefined);
    const base = new StaticCameras<T>(classes, records, new Float64Array(3 * n), new Uint8Array(n));
    for (let i = 0; i < n; i++) {
      const c = cameras[i]!;
      const s = slotOfInput[i]!;
      records[s] = c;
      base.#copyFields(s, c);
    }
    return { base, slotOfInput };
  }

  get maxRangeM(): number {
    let max = 0;
    for (const c of this.classes) max = Math.max(max, c.maxRangeM);
    return max;
  }

  /** Replaces the camera in its slot if it has not moved and its range stays within its class; else returns false. */
  replaceInPlace(slot: number, camera: T): boolean {
    const old = this.records[slot];
    if (old === undefined || old.lat !== camera.lat || old.lng !== camera.lng || camera.rangeM > this.#classOf(slot).maxRangeM) return false;
    this.records[slot] = camera;
    this.#copyFields(slot, camera);
    return true;
  }

  remove(slot: number): void {
    if (this.records[slot] === undefined) return;
    this.records[slot] = undefined;
    this.tombstones++;
  }

  /** Appends every live camera that passes the exact match to `out`. `bound` must cover the largest class's boxes. */
  collectMatches(area: PreparedArea, searchRadiusM: number, bound: DistanceLowerBound, out: CameraMatch<T>[]): void {
    const slackM = area.accuracyM + BOUNDARY_TOLERANCE_M;
    const { records, fields, tier } = this;
    const positions = this.#positions;
    for (const cls of this.classes) {
      positions.length = 0;
      for (const box of boundingBoxesAround(area, Math.min(searchRadiusM, cls.maxRangeM) + slackM)) {
        positionsInBox(cls.tree, box.minLng, box.minLat, box.maxLng, box.maxLat, positions);
      }
      const coords = cls.tree.coords;
      for (let k = 0; k < positions.length; k++) {
        const p = positions.data[k]!;
        const slot = cls.firstSlot + p;
        const lat = coords[2 * p + 1]!;
        const lng = coords[2 * p]!;
        const rangeM = fields[3 * slot + 2]!;
        if (bound.isCertainlyFartherThan(lat, lng, Math.min(rangeM, searchRadiusM) + slackM)) continue;
        const camera = records[slot];
        if (camera === undefined) continue;
        const fovDeg = fields[3 * slot + 1]!;
        const rel = matchWedgeFieldsToArea(lat, lng, fields[3 * slot]!, fovDeg, rangeM, area, searchRadiusM);
        if (rel === undefined) continue;
        const score = usefulnessScore(rel, fovDeg, TIER_CODES[tier[slot]!]!);
        out.push({ camera, distanceM: rel.distanceM, facesArea: rel.facesArea, offAxisDeg: rel.offAxisDeg, score });
      }
    }
  }

  /** Bytes held beyond the camera objects, with `refBytes` per record reference. */
  byteLength(refBytes: number): { trees: number; fields: number; refs: number; scratch: number } {
    let trees = 0;
    for (const c of this.classes) trees += c.tree.data.byteLength;
    const fields = this.fields.byteLength + this.tier.byteLength;
    return { trees, fields, refs: this.records.length * refBytes, scratch: this.#positions.data.byteLength };
  }

  #copyFields(slot: number, c: T): void {
    this.fields[3 * slot] = c.bearingDeg;
    this.fields[3 * slot + 1] = c.fovDeg;
    this.fields[3 * slot + 2] = c.rangeM;
    this.tier[slot] = tierCode(c.tier);
  }

  #classOf(slot: number): RangeClass {
    for (const c of this.classes) if (slot < c.firstSlot + c.count) return c;
    throw new Error(`StaticCameras: slot ${slot} is in no range class`);
  }
}
